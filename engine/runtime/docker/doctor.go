package docker

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/client"
)

// EngineFacts are what `kubetour doctor` shows about the engine, read
// without creating anything.
type EngineFacts struct {
	Host            string // the address used
	ServerVersion   string // 20.10.24
	APIVersion      string // negotiated: 1.41
	CgroupVersion   int    // 1 or 2
	CgroupDriver    string // cgroupfs, systemd
	StorageDriver   string
	OperatingSystem string // "Debian GNU/Linux 12 (bookworm)", "Docker Desktop"
	Rootless        bool
	// ReadsNamespaces says whether this process may read other processes'
	// /proc/<pid>/ns links (root or CAP_SYS_PTRACE); if not, the isolation
	// view asks each container from inside.
	ReadsNamespaces bool
}

// Check contacts the engine and describes it. Its error wraps ErrNoEngine
// when no engine answers.
func Check(ctx context.Context, opts Options) (*EngineFacts, error) {
	copts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	if opts.Host != "" {
		copts = append(copts, client.WithHost(opts.Host))
	}
	cli, err := client.NewClientWithOpts(copts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoEngine, err)
	}
	defer cli.Close()
	if opts.PingTimeout == 0 {
		opts.PingTimeout = 3 * time.Second
	}
	pctx, cancel := context.WithTimeout(ctx, opts.PingTimeout)
	defer cancel()
	ping, err := cli.Ping(pctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoEngine, err)
	}
	cli.NegotiateAPIVersionPing(ping)
	info, err := cli.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("docker info: %w", err)
	}
	f := &EngineFacts{Host: cli.DaemonHost(), ServerVersion: info.ServerVersion, APIVersion: cli.ClientVersion(),
		CgroupVersion: 1, CgroupDriver: info.CgroupDriver, StorageDriver: info.Driver, OperatingSystem: info.OperatingSystem}
	if info.CgroupVersion == "2" {
		f.CgroupVersion = 2
	}
	for _, o := range info.SecurityOptions {
		if strings.Contains(o, "rootless") {
			f.Rootless = true
		}
	}
	f.ReadsNamespaces = canTrace()
	return f, nil
}

// canTrace reports root or CAP_SYS_PTRACE, what reading another user's
// /proc/<pid>/ns links takes.
func canTrace() bool {
	if os.Geteuid() == 0 {
		return true
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			caps, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && caps&(1<<19) != 0
		}
	}
	return false
}
