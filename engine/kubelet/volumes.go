package kubelet

import (
	"fmt"
	"path"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"kubetour/engine/kinds"
	"kubetour/engine/runtime"
)

// prepareVolumes makes every volume of the pod exist in the runtime and
// fills file volumes. It fails, like MountVolume.SetUp does, while a
// referenced ConfigMap, Secret or claim is missing.
func (k *Kubelet) prepareVolumes(st *podState) error {
	pod := st.pod
	for _, v := range pod.Spec.Volumes {
		if _, done := st.volumes[v.Name]; done {
			continue
		}
		rv, files, err := k.volumeFor(st, &v)
		if err != nil {
			return err
		}
		if err := k.cfg.Runtime.EnsureVolume(k.ctx(), rv); err != nil {
			return fmt.Errorf("MountVolume.SetUp failed for volume %q : %v", v.Name, err)
		}
		if files != nil {
			if err := k.cfg.Runtime.WriteVolumeFiles(k.ctx(), rv.ID, files); err != nil {
				return fmt.Errorf("MountVolume.SetUp failed for volume %q : %v", v.Name, err)
			}
		}
		st.volumes[v.Name] = rv.ID
		if rv.Kind == runtime.VolumePod || rv.Kind == runtime.VolumeFiles {
			st.ownVolumes = append(st.ownVolumes, rv.ID)
		}
	}
	return nil
}

// volumeFor maps a pod volume to runtime storage, and the files to write for
// ConfigMap, Secret, downward API and projected volumes.
func (k *Kubelet) volumeFor(st *podState, v *corev1.Volume) (*runtime.Volume, map[string][]byte, error) {
	pod := st.pod
	podVol := func(kind runtime.VolumeKind) *runtime.Volume {
		return &runtime.Volume{ID: string(pod.UID) + "/" + v.Name, Kind: kind}
	}
	switch {
	case v.EmptyDir != nil:
		rv := podVol(runtime.VolumePod)
		rv.Medium = string(v.EmptyDir.Medium)
		return rv, nil, nil
	case v.HostPath != nil:
		p := path.Clean(v.HostPath.Path)
		return &runtime.Volume{ID: "hostpath/" + pod.Spec.NodeName + p, Kind: runtime.VolumeNode, Node: pod.Spec.NodeName, Path: p}, nil, nil
	case v.PersistentVolumeClaim != nil:
		obj, err := k.store.Get(kinds.Core("persistentvolumeclaims"), pod.Namespace, v.PersistentVolumeClaim.ClaimName)
		if apierrors.IsNotFound(err) {
			return nil, nil, fmt.Errorf("persistentvolumeclaim %q not found", v.PersistentVolumeClaim.ClaimName)
		}
		if err != nil {
			return nil, nil, err
		}
		pvc := obj.(*corev1.PersistentVolumeClaim)
		if pvc.Status.Phase != corev1.ClaimBound || pvc.Spec.VolumeName == "" {
			return nil, nil, fmt.Errorf("MountVolume.SetUp failed for volume %q : persistentvolumeclaim %q is not bound", v.Name, pvc.Name)
		}
		pvObj, err := k.store.Get(kinds.Core("persistentvolumes"), "", pvc.Spec.VolumeName)
		if err != nil {
			return nil, nil, fmt.Errorf("MountVolume.SetUp failed for volume %q : %v", v.Name, err)
		}
		pv := pvObj.(*corev1.PersistentVolume)
		if pv.Spec.HostPath != nil || pv.Spec.Local != nil {
			// A hostPath or local PV is the node's folder: the data lives
			// on the node the pod runs on, as the course shows.
			src := ""
			if pv.Spec.HostPath != nil {
				src = pv.Spec.HostPath.Path
			} else {
				src = pv.Spec.Local.Path
			}
			p := path.Clean(src)
			return &runtime.Volume{ID: "hostpath/" + pod.Spec.NodeName + p, Kind: runtime.VolumeNode, Node: pod.Spec.NodeName, Path: p}, nil, nil
		}
		return &runtime.Volume{ID: "pv/" + pv.Name, Kind: runtime.VolumeCluster}, nil, nil
	case v.ConfigMap != nil, v.Secret != nil, v.DownwardAPI != nil, v.Projected != nil:
		files, err := k.filesFor(st, v)
		if err != nil {
			return nil, nil, err
		}
		return podVol(runtime.VolumeFiles), files, nil
	}
	// Anything else (nfs, csi …) has no storage here: give it an empty
	// pod-lived directory so the pod can still start.
	return podVol(runtime.VolumePod), nil, nil
}

// filesFor renders the files of a ConfigMap, Secret, downward API or
// projected volume.
func (k *Kubelet) filesFor(st *podState, v *corev1.Volume) (map[string][]byte, error) {
	pod := st.pod
	files := map[string][]byte{}
	mountErr := func(err error) error {
		return fmt.Errorf("MountVolume.SetUp failed for volume %q : %v", v.Name, err)
	}
	addCM := func(name string, items []corev1.KeyToPath, opt *bool) error {
		cm, err := k.configMap(pod.Namespace, name)
		if err != nil {
			if optional(opt) {
				return nil
			}
			return mountErr(err)
		}
		data := map[string][]byte{}
		for key, val := range cm.Data {
			data[key] = []byte(val)
		}
		for key, val := range cm.BinaryData {
			data[key] = val
		}
		return project(files, data, items, opt, "configmap", name, mountErr)
	}
	addSecret := func(name string, items []corev1.KeyToPath, opt *bool) error {
		sec, err := k.secret(pod.Namespace, name)
		if err != nil {
			if optional(opt) {
				return nil
			}
			return mountErr(err)
		}
		return project(files, sec.Data, items, opt, "secret", name, mountErr)
	}
	switch {
	case v.ConfigMap != nil:
		if err := addCM(v.ConfigMap.Name, v.ConfigMap.Items, v.ConfigMap.Optional); err != nil {
			return nil, err
		}
	case v.Secret != nil:
		if err := addSecret(v.Secret.SecretName, v.Secret.Items, v.Secret.Optional); err != nil {
			return nil, err
		}
	case v.DownwardAPI != nil:
		k.downward(st, v.DownwardAPI.Items, files)
	case v.Projected != nil:
		for _, src := range v.Projected.Sources {
			switch {
			case src.ConfigMap != nil:
				if err := addCM(src.ConfigMap.Name, src.ConfigMap.Items, src.ConfigMap.Optional); err != nil {
					return nil, err
				}
			case src.Secret != nil:
				if err := addSecret(src.Secret.Name, src.Secret.Items, src.Secret.Optional); err != nil {
					return nil, err
				}
			case src.DownwardAPI != nil:
				k.downward(st, src.DownwardAPI.Items, files)
			case src.ServiceAccountToken != nil:
				files[src.ServiceAccountToken.Path] = []byte(k.token(pod))
			}
		}
	}
	return files, nil
}

func project(files map[string][]byte, data map[string][]byte, items []corev1.KeyToPath, opt *bool, what, name string, mountErr func(error) error) error {
	if len(items) == 0 {
		for key, val := range data {
			files[key] = val
		}
		return nil
	}
	for _, it := range items {
		val, ok := data[it.Key]
		if !ok {
			if optional(opt) {
				continue
			}
			return mountErr(fmt.Errorf("configmap references non-existent config key: %s", it.Key))
		}
		files[it.Path] = val
	}
	return nil
}

func (k *Kubelet) downward(st *podState, items []corev1.DownwardAPIVolumeFile, files map[string][]byte) {
	pod := st.pod
	for _, it := range items {
		if it.FieldRef == nil {
			continue
		}
		var val string
		switch it.FieldRef.FieldPath {
		case "metadata.labels":
			val = formatMap(pod.Labels)
		case "metadata.annotations":
			val = formatMap(pod.Annotations)
		case "metadata.name":
			val = pod.Name
		case "metadata.namespace":
			val = pod.Namespace
		case "metadata.uid":
			val = string(pod.UID)
		}
		files[it.Path] = []byte(val)
	}
}

func formatMap(m map[string]string) string {
	var lines []string
	for _, key := range sortedKeys(m) {
		lines = append(lines, fmt.Sprintf("%s=%q", key, m[key]))
	}
	return strings.Join(lines, "\n")
}

// token is the service account token file: a JWT-shaped string; nothing
// in kubetour checks it, but a student may cat it as on a real pod.
func (k *Kubelet) token(pod *corev1.Pod) string {
	return "eyJhbGciOiJSUzI1NiIsImtpZCI6Imt1YmV0b3VyIn0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6" + pod.Namespace + ":" + pod.Spec.ServiceAccountName + "\"}.kubetour"
}

// mountsFor lists the container's volume mounts as runtime mounts.
func (k *Kubelet) mountsFor(st *podState, c *corev1.Container) []runtime.Mount {
	var out []runtime.Mount
	for _, m := range c.VolumeMounts {
		id, ok := st.volumes[m.Name]
		if !ok {
			continue
		}
		out = append(out, runtime.Mount{VolumeID: id, ContainerPath: m.MountPath, SubPath: m.SubPath, ReadOnly: m.ReadOnly})
	}
	return out
}

// scheduleConfigSync refreshes mounted ConfigMap and Secret files every
// sync period, so an edit reaches running containers within about a
// minute — while their env, fixed at start, does not change.
func (k *Kubelet) scheduleConfigSync(st *podState) {
	needs := false
	for _, v := range st.pod.Spec.Volumes {
		if v.ConfigMap != nil || v.Secret != nil || v.Projected != nil || v.DownwardAPI != nil {
			needs = true
		}
	}
	if !needs {
		return
	}
	uid := st.pod.UID
	st.configSync = k.cfg.Loop.After(k.cfg.ConfigSync, func() {
		cur := k.pods[uid]
		if cur != st || st.killing {
			return
		}
		k.refreshFiles(st)
		k.scheduleConfigSync(st)
	})
}

func (k *Kubelet) refreshFiles(st *podState) {
	for _, v := range st.pod.Spec.Volumes {
		if v.ConfigMap == nil && v.Secret == nil && v.Projected == nil && v.DownwardAPI == nil {
			continue
		}
		id, ok := st.volumes[v.Name]
		if !ok {
			continue
		}
		files, err := k.filesFor(st, &v)
		if err != nil {
			continue // keep the last good files, as the kubelet does
		}
		k.cfg.Runtime.WriteVolumeFiles(k.ctx(), id, files)
	}
}

var _ = time.Second
