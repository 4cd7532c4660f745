package docker

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	dvolume "github.com/docker/docker/api/types/volume"

	"kubetour/internal/appmode"
)

// ownerFile records a session folder's owner, so that a folder left by a
// crash is swept even when no Docker object remains to tell.
const ownerFile = ".owner"

func (r *Runtime) writeOwnerFile() error {
	data := fmt.Sprintf("%s=%s\n%s=%d\n%s=%s\n", labelOwnerHost, r.owner.host, labelOwnerPid, r.owner.pid, labelOwnerStart, r.owner.start)
	return os.WriteFile(filepath.Join(r.dir, ownerFile), []byte(data), 0o644)
}

func readOwnerFile(dir string) (map[string]string, bool) {
	data, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		return nil, false
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out, true
}

// sweep removes what sessions whose owner process is gone from this host
// left behind (a crash, kill -9): containers, networks, volumes and
// folders. A live session, or one owned by another host, is not touched.
func (r *Runtime) sweep(ctx context.Context) {
	managed := filters.NewArgs(filters.Arg("label", labelManaged+"=true"))
	dead := map[string]bool{}
	seen := map[string]bool{}
	consider := func(labels map[string]string) {
		s := labels[labelSession]
		if s == "" || s == r.session || seen[s] {
			return
		}
		seen[s] = true
		if !alive(labels) {
			dead[s] = true
		}
	}
	if cs, err := r.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: managed}); err == nil {
		for _, c := range cs {
			consider(c.Labels)
		}
	}
	if ns, err := r.cli.NetworkList(ctx, network.ListOptions{Filters: managed}); err == nil {
		for _, n := range ns {
			consider(n.Labels)
		}
	}
	if vs, err := r.cli.VolumeList(ctx, dvolume.ListOptions{Filters: managed}); err == nil {
		for _, v := range vs.Volumes {
			consider(v.Labels)
		}
	}
	root := filepath.Join(r.opts.StateDir, "docker")
	if entries, err := os.ReadDir(root); err == nil {
		for _, e := range entries {
			s := e.Name()
			if !e.IsDir() || s == r.session || seen[s] || !validSession(s) {
				continue
			}
			if labels, ok := readOwnerFile(filepath.Join(root, s)); ok {
				labels[labelSession] = s
				consider(labels)
			}
		}
	}
	names := make([]string, 0, len(dead))
	for s := range dead {
		names = append(names, s)
	}
	sort.Strings(names)
	for _, s := range names {
		r.opts.Logf("docker runtime: sweeping session %s, whose owner is gone", s)
		if err := r.removeSession(ctx, s, filepath.Join(root, s), true); err != nil {
			r.opts.Logf("docker runtime: sweeping session %s: %v", s, err)
		}
	}
	if err := r.writeOwnerFile(); err != nil {
		r.opts.Logf("docker runtime: %v", err)
	}
}

// removeSession removes every object labelled with session, and its
// folder. With removeData false, PersistentVolume volumes and hostPath
// folders stay.
func (r *Runtime) removeSession(ctx context.Context, session, dir string, removeData bool) error {
	var errs []error
	f := filters.NewArgs(filters.Arg("label", labelSession+"="+session))
	cs, err := r.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: f})
	if err != nil {
		errs = append(errs, err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	work := make(chan string)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				if err := r.removeContainer(ctx, id); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for _, c := range cs {
		work <- c.ID
	}
	close(work)
	wg.Wait()
	if ns, err := r.cli.NetworkList(ctx, network.ListOptions{Filters: f}); err == nil {
		for _, n := range ns {
			if err := r.cli.NetworkRemove(ctx, n.ID); err != nil && !cerrdefs.IsNotFound(err) {
				errs = append(errs, err)
			}
		}
	} else {
		errs = append(errs, err)
	}
	if vs, err := r.cli.VolumeList(ctx, dvolume.ListOptions{Filters: f}); err == nil {
		for _, v := range vs.Volumes {
			if !removeData && v.Labels[labelVolumeKind] == "pv" {
				continue
			}
			if err := r.cli.VolumeRemove(ctx, v.Name, true); err != nil && !cerrdefs.IsNotFound(err) {
				errs = append(errs, err)
			}
		}
	} else {
		errs = append(errs, err)
	}
	if dir != "" {
		if removeData {
			errs = append(errs, r.removeDir(ctx, dir))
		} else {
			for _, sub := range []string{"files", "services", ownerFile} {
				errs = append(errs, r.removeDir(ctx, filepath.Join(dir, sub)))
			}
		}
	}
	return errors.Join(errs...)
}

// removeDir removes a host folder. Containers running as root may have
// filled it with files this user cannot delete; then a helper container
// (root, with the folder mounted) empties it first.
func (r *Runtime) removeDir(ctx context.Context, dir string) error {
	err := os.RemoveAll(dir)
	if err == nil || !errors.Is(err, fs.ErrPermission) || r.image == "" {
		return err
	}
	resp, cerr := r.cli.ContainerCreate(ctx, &container.Config{Image: r.imageRef, Cmd: appmode.CleanupArgv("/target"), Labels: r.labels(roleHelper, nil)},
		&container.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeBind, Source: dir, Target: "/target"}}}, nil, nil, "")
	if cerr != nil {
		return err
	}
	defer r.removeContainer(context.WithoutCancel(ctx), resp.ID)
	if cerr := r.cli.ContainerStart(ctx, resp.ID, container.StartOptions{}); cerr != nil {
		return err
	}
	waitC, errC := r.cli.ContainerWait(ctx, resp.ID, container.WaitConditionNotRunning)
	select {
	case <-waitC:
	case <-errC:
	}
	return os.RemoveAll(dir)
}
