package controller

import (
	"k8s.io/apimachinery/pkg/labels"

	"kubetour/engine/events"
)

type eventsRef = events.Ref

func labelSet(m map[string]string) labels.Set { return labels.Set(m) }
