package docker

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	dvolume "github.com/docker/docker/api/types/volume"

	"kubetour/engine/runtime"
)

// volume is a runtime volume and where its data lives:
//
//	pod (emptyDir)        a Docker volume (tmpfs-backed for medium Memory),
//	                      shared by the pod's containers, removed with the pod
//	cluster (PV)          a Docker volume named after the PV, outliving pods
//	node (hostPath)       a folder of the node under <state>/nodes/<node>/,
//	                      bind-mounted; it stays for the next pod there
//	files (ConfigMap,     a folder under <state>/files/, bind-mounted
//	Secret, projected)    read-only and updated in place, as the kubelet's
//	                      atomic writer does (a ..data symlink swapped)
type volume struct {
	v          runtime.Volume
	dockerName string // pod and cluster volumes
	mountpoint string // a Docker volume's folder on the host
	hostDir    string // node and files volumes
}

// EnsureVolume creates a volume if it does not exist yet.
func (r *Runtime) EnsureVolume(ctx context.Context, v *runtime.Volume) error {
	r.mu.Lock()
	_, ok := r.volumes[v.ID]
	r.mu.Unlock()
	if ok {
		return nil
	}
	vol := &volume{v: *v}
	switch v.Kind {
	case runtime.VolumePod, runtime.VolumeCluster:
		kind := "pod"
		if v.Kind == runtime.VolumeCluster {
			kind = "pv"
		}
		vol.dockerName = "kubetour-" + r.session + "-" + kind + "-" + dockerName(strings.ReplaceAll(strings.TrimPrefix(v.ID, "pv/"), "/", "_"))
		opts := dvolume.CreateOptions{Name: vol.dockerName, Driver: "local",
			Labels: r.labels("volume", map[string]string{labelVolumeKind: kind, labelVolumeID: v.ID})}
		if v.Medium == "Memory" {
			opts.DriverOpts = map[string]string{"type": "tmpfs", "device": "tmpfs"}
		}
		created, err := r.cli.VolumeCreate(ctx, opts)
		if err != nil {
			return fmt.Errorf("creating volume %s: %w", v.ID, err)
		}
		vol.mountpoint = created.Mountpoint
	case runtime.VolumeNode:
		vol.hostDir = filepath.Join(r.dir, "nodes", dockerName(v.Node), filepath.FromSlash(path.Clean("/"+v.Path)))
		// DirectoryOrCreate: the kubelet checks the other hostPath types.
		if err := os.MkdirAll(vol.hostDir, 0o755); err != nil {
			return fmt.Errorf("hostPath %s on %s: %w", v.Path, v.Node, err)
		}
	case runtime.VolumeFiles:
		vol.hostDir = filepath.Join(r.dir, "files", dockerName(strings.ReplaceAll(v.ID, "/", "_")))
		if err := os.MkdirAll(vol.hostDir, 0o755); err != nil {
			return fmt.Errorf("volume %s: %w", v.ID, err)
		}
	default:
		return fmt.Errorf("volume %s: unknown kind %q", v.ID, v.Kind)
	}
	r.mu.Lock()
	r.volumes[v.ID] = vol
	r.mu.Unlock()
	return nil
}

func (r *Runtime) volume(id string) (*volume, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.volumes[id]
	if !ok {
		return nil, fmt.Errorf("volume %q: %w", id, runtime.ErrNotFound)
	}
	return v, nil
}

// WriteVolumeFiles sets a volume's files. For ConfigMap and Secret volumes
// the set replaces the old one in one atomic step that running containers
// see on their next read; for the other kinds the files are written among
// those already there.
func (r *Runtime) WriteVolumeFiles(ctx context.Context, volumeID string, files map[string][]byte) error {
	vol, err := r.volume(volumeID)
	if err != nil {
		return err
	}
	switch vol.v.Kind {
	case runtime.VolumeFiles:
		return writeAtomicDir(vol.hostDir, files)
	case runtime.VolumeNode:
		for name, data := range files {
			p := filepath.Join(vol.hostDir, filepath.FromSlash(path.Clean("/"+name)))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				return err
			}
		}
		return nil
	}
	return r.copyIntoVolume(ctx, vol.dockerName, files)
}

// writeAtomicDir is the kubelet's AtomicWriter: the payload goes into a
// new timestamped folder, a ..data symlink is swapped to it with one
// rename, and each top-level name is a symlink through ..data. A reader
// sees the old set or the new one, never a mix.
func writeAtomicDir(dir string, files map[string][]byte) error {
	ts := "..kubetour_" + time.Now().UTC().Format("2006_01_02_15_04_05.000000000")
	tsDir := filepath.Join(dir, ts)
	if err := os.MkdirAll(tsDir, 0o755); err != nil {
		return err
	}
	top := map[string]bool{}
	for name, data := range files {
		rel := strings.TrimPrefix(path.Clean("/"+name), "/")
		if rel == "" || strings.HasPrefix(rel, "..") {
			continue
		}
		p := filepath.Join(tsDir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
		first, _, _ := strings.Cut(rel, "/")
		top[first] = true
	}
	tmpLink := filepath.Join(dir, "..data_tmp")
	os.Remove(tmpLink)
	if err := os.Symlink(ts, tmpLink); err != nil {
		return err
	}
	if err := os.Rename(tmpLink, filepath.Join(dir, "..data")); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == "..data" || name == ts:
		case strings.HasPrefix(name, "..kubetour_"):
			os.RemoveAll(filepath.Join(dir, name))
		case !strings.HasPrefix(name, "..") && !top[name]:
			os.Remove(filepath.Join(dir, name))
		}
	}
	names := make([]string, 0, len(top))
	for n := range top {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		link := filepath.Join(dir, n)
		if target, err := os.Readlink(link); err == nil && target == "..data/"+n {
			continue
		}
		os.Remove(link)
		if err := os.Symlink("..data/"+n, link); err != nil {
			return err
		}
	}
	return nil
}

// copyIntoVolume writes files into a Docker volume through a helper
// container that mounts it: the volume's folder on the host belongs to
// the engine.
func (r *Runtime) copyIntoVolume(ctx context.Context, name string, files map[string][]byte) error {
	resp, err := r.cli.ContainerCreate(ctx, &container.Config{Image: r.imageRef, Labels: r.labels(roleHelper, nil)},
		&container.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeVolume, Source: name, Target: "/data"}}}, nil, nil, "")
	if err != nil {
		return err
	}
	defer r.removeContainer(context.WithoutCancel(ctx), resp.ID)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for n, data := range files {
		rel := strings.TrimPrefix(path.Clean("/"+n), "/")
		if err := tw.WriteHeader(&tar.Header{Name: rel, Mode: 0o644, Size: int64(len(data)), ModTime: time.Now()}); err != nil {
			return err
		}
		tw.Write(data)
	}
	tw.Close()
	return r.cli.CopyToContainer(ctx, resp.ID, "/data", &buf, container.CopyToContainerOptions{})
}

// RemoveVolume forgets a volume. A pod's emptyDir and file volumes go with
// their data; hostPath and PersistentVolume data stay, as on a cluster.
func (r *Runtime) RemoveVolume(ctx context.Context, volumeID string) error {
	vol, err := r.volume(volumeID)
	if err != nil {
		return err
	}
	switch vol.v.Kind {
	case runtime.VolumePod:
		if err := r.cli.VolumeRemove(ctx, vol.dockerName, true); err != nil && !cerrdefs.IsNotFound(err) {
			return err
		}
	case runtime.VolumeFiles:
		if err := r.removeDir(ctx, vol.hostDir); err != nil {
			return err
		}
	}
	r.mu.Lock()
	delete(r.volumes, volumeID)
	r.mu.Unlock()
	return nil
}

// mountsFor turns a container's volume mounts into Docker mounts.
func (r *Runtime) mountsFor(ms []runtime.Mount) ([]mount.Mount, error) {
	var out []mount.Mount
	for _, m := range ms {
		vol, err := r.volume(m.VolumeID)
		if err != nil {
			return nil, err
		}
		target := path.Clean(m.ContainerPath)
		sub := strings.TrimPrefix(path.Clean("/"+m.SubPath), "/")
		switch vol.v.Kind {
		case runtime.VolumePod, runtime.VolumeCluster:
			if sub == "" {
				out = append(out, mount.Mount{Type: mount.TypeVolume, Source: vol.dockerName, Target: target,
					ReadOnly: m.ReadOnly, VolumeOptions: &mount.VolumeOptions{NoCopy: true}})
				continue
			}
			// Docker 20.10 has no volume subpath: bind the folder inside
			// the volume, created as the kubelet creates a missing subPath.
			src := filepath.Join(vol.mountpoint, filepath.FromSlash(sub))
			if err := os.MkdirAll(src, 0o755); err != nil {
				return nil, fmt.Errorf("subPath %s of volume %s: %w", m.SubPath, m.VolumeID, err)
			}
			out = append(out, mount.Mount{Type: mount.TypeBind, Source: src, Target: target, ReadOnly: m.ReadOnly})
		case runtime.VolumeNode:
			src := filepath.Join(vol.hostDir, filepath.FromSlash(sub))
			if sub != "" {
				if _, err := os.Stat(src); os.IsNotExist(err) {
					os.MkdirAll(src, 0o755)
				}
			}
			out = append(out, mount.Mount{Type: mount.TypeBind, Source: src, Target: target, ReadOnly: m.ReadOnly})
		case runtime.VolumeFiles:
			src := vol.hostDir
			if sub != "" {
				// A subPath binds the file of the moment: it is not
				// updated afterwards, as on a real node.
				resolved, err := filepath.EvalSymlinks(filepath.Join(vol.hostDir, filepath.FromSlash(sub)))
				if err != nil {
					return nil, fmt.Errorf("subPath %s of volume %s: %w", m.SubPath, m.VolumeID, err)
				}
				src = resolved
			}
			out = append(out, mount.Mount{Type: mount.TypeBind, Source: src, Target: target, ReadOnly: true})
		}
	}
	return out, nil
}
