package admission

import (
	_ "time/tzdata" // CronJob timeZone validation must not depend on the host's zoneinfo

	"github.com/robfig/cron/v3"
)

// parseCronSchedule is the check CronJob validation makes: the parser the
// API server uses (robfig/cron/v3, five fields or an @descriptor), whose
// error text ends up after `spec.schedule: Invalid value: "...": `.
func parseCronSchedule(spec string) error {
	_, err := cron.ParseStandard(spec)
	return err
}
