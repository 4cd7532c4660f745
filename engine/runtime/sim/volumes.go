package sim

import (
	"context"
	"fmt"
	"path"

	"kubetour/engine/apps/memfs"
	"kubetour/engine/runtime"
)

// volume is named storage: its own tree, or for hostPath a directory of
// its node's disk, so that two pods on one node share it and a pod on
// another node does not.
type volume struct {
	v    runtime.Volume
	tree *memfs.Tree
	sub  string
}

// EnsureVolume creates a volume if it does not exist yet.
func (r *Runtime) EnsureVolume(ctx context.Context, v *runtime.Volume) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.volumes[v.ID]; ok {
		return nil
	}
	vol := &volume{v: *v}
	switch v.Kind {
	case runtime.VolumeNode:
		vol.tree = r.nodeDisk(v.Node)
		vol.sub = path.Clean("/" + v.Path)
		// DirectoryOrCreate: the kubelet checks the other hostPath types.
		if err := vol.tree.MkdirAll(vol.sub); err != nil {
			return fmt.Errorf("hostPath %s on %s: %w", v.Path, v.Node, err)
		}
	case runtime.VolumePod, runtime.VolumeCluster, runtime.VolumeFiles:
		vol.tree = memfs.NewTree(r.now)
	default:
		return fmt.Errorf("volume %s: unknown kind %q", v.ID, v.Kind)
	}
	r.volumes[v.ID] = vol
	return nil
}

// nodeDisk is a node's file system; callers hold r.mu.
func (r *Runtime) nodeDisk(node string) *memfs.Tree {
	t, ok := r.nodes[node]
	if !ok {
		t = memfs.NewTree(r.now)
		r.nodes[node] = t
	}
	return t
}

// NodeFS is a node's disk, where hostPath data lives: the engine can show
// what `ls /node-v` on the node would.
func (r *Runtime) NodeFS(node string) *memfs.Tree {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.nodeDisk(node)
}

// WriteVolumeFiles sets a volume's files. For ConfigMap and Secret volumes
// (VolumeFiles) the set replaces the old one at once, and running
// containers see the new content on their next read; for other kinds the
// files are written among those already there.
func (r *Runtime) WriteVolumeFiles(ctx context.Context, volumeID string, files map[string][]byte) error {
	r.mu.Lock()
	vol, ok := r.volumes[volumeID]
	r.mu.Unlock()
	if !ok {
		return fmt.Errorf("volume %q: %w", volumeID, runtime.ErrNotFound)
	}
	if vol.v.Kind == runtime.VolumeFiles {
		vol.tree.ReplaceFiles(files, 0o644)
		return nil
	}
	for name, data := range files {
		if err := vol.tree.WriteFile(path.Join(vol.sub, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// RemoveVolume forgets a volume. Its data goes with it, except a hostPath
// volume's, which stays on the node's disk for the next pod there.
func (r *Runtime) RemoveVolume(ctx context.Context, volumeID string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.volumes[volumeID]; !ok {
		return fmt.Errorf("volume %q: %w", volumeID, runtime.ErrNotFound)
	}
	delete(r.volumes, volumeID)
	return nil
}
