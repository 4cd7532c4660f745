package docker

import (
	"fmt"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"

	"kubetour/engine/runtime"
	"kubetour/internal/appmode"
)

// BenchmarkPodStart measures a pod from nothing to Running (a sandbox and
// one container started), through the runtime and, for comparison, as the
// same two containers created directly with the Docker client (no
// inspect, no bookkeeping). Removal is not timed.
//
//	go test ./engine/runtime/docker/ -run '^$' -bench PodStart -benchtime 20x
func BenchmarkPodStart(b *testing.B) {
	rt := newRuntime(b, Options{})
	if _, err := rt.PullImage(ctx, "kubetm/init"); err != nil {
		b.Fatal(err)
	}
	b.Run("runtime", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sb, err := rt.RunSandbox(ctx, &runtime.SandboxConfig{PodUID: fmt.Sprint("b", i), Name: fmt.Sprint("bench-", i),
				Namespace: "default", Hostname: fmt.Sprint("bench-", i), IP: podIP(rt, i%200),
				DNSSearch: []string{"default.svc.cluster.local", "svc.cluster.local", "cluster.local"}})
			if err != nil {
				b.Fatal(err)
			}
			id, err := rt.CreateContainer(ctx, sb.ID, &runtime.ContainerConfig{Name: "c", Image: "kubetm/init", Command: []string{"sleep", "3600"}})
			if err != nil {
				b.Fatal(err)
			}
			if err := rt.StartContainer(ctx, id); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if err := rt.RemoveSandbox(ctx, sb.ID); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
	b.Run("direct", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			name := fmt.Sprint("bench-direct-", i)
			sb, err := rt.cli.ContainerCreate(ctx,
				&container.Config{Image: rt.image, Cmd: appmode.PauseArgv(), Hostname: name, Labels: rt.labels(roleSandbox, nil)},
				&container.HostConfig{NetworkMode: container.NetworkMode(rt.netName), IpcMode: container.IPCModeShareable,
					DNSSearch: []string{"default.svc.cluster.local", "svc.cluster.local", "cluster.local"}, DNSOptions: []string{"ndots:5"}},
				&network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{rt.netName: {
					IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: podIP(rt, i%200)}}}},
				nil, name)
			if err != nil {
				b.Fatal(err)
			}
			if err := rt.cli.ContainerStart(ctx, sb.ID, container.StartOptions{}); err != nil {
				b.Fatal(err)
			}
			c, err := rt.cli.ContainerCreate(ctx,
				&container.Config{Image: rt.image, Cmd: appmode.RunArgv("kubetm/init", false, []string{"sleep", "3600"}), Labels: rt.labels(roleContainer, nil)},
				&container.HostConfig{NetworkMode: container.NetworkMode("container:" + sb.ID), IpcMode: container.IpcMode("container:" + sb.ID)},
				nil, nil, name+"-c")
			if err != nil {
				b.Fatal(err)
			}
			if err := rt.cli.ContainerStart(ctx, c.ID, container.StartOptions{}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			rt.removeContainer(ctx, c.ID)
			rt.removeContainer(ctx, sb.ID)
			b.StartTimer()
		}
	})
}

// BenchmarkImage measures kubetour's image: cold is a full import of the
// binary (and its libraries), warm is what New does when the image exists
// (hash from the cache, one ImageList).
func BenchmarkImage(b *testing.B) {
	rt := newRuntime(b, Options{})
	bin, err := testBinaryPath()
	if err != nil {
		b.Fatal(err)
	}
	files, libDirs, err := imageContent(bin)
	if err != nil {
		b.Fatal(err)
	}
	sum, binSum, err := contentHash(files)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("cold", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			fake := fmt.Sprintf("%x%s", time.Now().UnixNano(), sum)[:64]
			id, err := rt.buildImage(ctx, files, libDirs, fake, binSum)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if _, err := rt.cli.ImageRemove(ctx, id, image.RemoveOptions{Force: true, PruneChildren: true}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
	b.Run("warm", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := rt.ensureImage(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
