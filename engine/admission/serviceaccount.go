package admission

import (
	"fmt"
	"math/rand"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
)

// The ServiceAccount plugin (plugin/pkg/admission/serviceaccount): a new pod
// runs as "default" unless it names an account, the account must exist, and
// unless automounting is switched off every container gets the projected
// kube-api-access-xxxxx volume at the well-known path.

const (
	serviceAccountVolumePrefix = "kube-api-access-"
	serviceAccountMountPath    = "/var/run/secrets/kubernetes.io/serviceaccount"
	mirrorPodAnnotation        = "kubernetes.io/config.mirror"
	// boundTokenExpirationSeconds is the 1h token plus the 7s that mark it
	// as an automatically mounted one (WarnOnlyBoundTokenExpirationSeconds).
	boundTokenExpirationSeconds = 3607
)

func serviceAccountAdmit(a *Attributes, l Lister, rnd *rand.Rand) error {
	pod, ok := a.Object.(*corev1.Pod)
	if !ok || a.Op != Create || a.Subresource != "" {
		return nil
	}
	if _, mirror := pod.Annotations[mirrorPodAnnotation]; mirror {
		if pod.Spec.ServiceAccountName != "" {
			return a.forbidden(fmt.Errorf("a mirror pod may not reference service accounts"))
		}
		return nil
	}
	if pod.Spec.ServiceAccountName == "" {
		pod.Spec.ServiceAccountName = "default"
	}
	// v1 mirrors the deprecated serviceAccount field on every read.
	pod.Spec.DeprecatedServiceAccount = pod.Spec.ServiceAccountName

	var sa *corev1.ServiceAccount
	obj, err := l.Get("serviceaccounts", a.Namespace, pod.Spec.ServiceAccountName)
	switch {
	case err == nil:
		sa, _ = obj.(*corev1.ServiceAccount)
	case apierrors.IsNotFound(err) && pod.Spec.ServiceAccountName == "default":
		// The serviceaccount controller creates "default" in every namespace
		// (and recreates it at once when deleted), and the API server waits
		// for it with live lookups rather than refusing the pod. A missing
		// one here only means the engine's controller has not run yet.
	default:
		if apierrors.IsNotFound(err) {
			err = apierrors.NewNotFound(schema.GroupResource{Resource: "serviceaccount"}, pod.Spec.ServiceAccountName)
		}
		return a.forbidden(fmt.Errorf("error looking up service account %s/%s: %w", a.Namespace, pod.Spec.ServiceAccountName, err))
	}
	if shouldAutomount(sa, pod) {
		mountServiceAccountToken(pod, rnd)
	}
	if len(pod.Spec.ImagePullSecrets) == 0 && sa != nil && len(sa.ImagePullSecrets) > 0 {
		pod.Spec.ImagePullSecrets = append([]corev1.LocalObjectReference(nil), sa.ImagePullSecrets...)
	}
	return nil
}

// shouldAutomount: the pod's choice wins, then the account's, then yes.
func shouldAutomount(sa *corev1.ServiceAccount, pod *corev1.Pod) bool {
	if pod.Spec.AutomountServiceAccountToken != nil {
		return *pod.Spec.AutomountServiceAccountToken
	}
	if sa != nil && sa.AutomountServiceAccountToken != nil {
		return *sa.AutomountServiceAccountToken
	}
	return true
}

func mountServiceAccountToken(pod *corev1.Pod, rnd *rand.Rand) {
	volName := ""
	hasVolume := false
	for _, v := range pod.Spec.Volumes {
		if strings.HasPrefix(v.Name, serviceAccountVolumePrefix) {
			volName, hasVolume = v.Name, true
			break
		}
	}
	if volName == "" {
		volName = serviceAccountVolumePrefix + randomSuffix(rnd)
	}
	mount := corev1.VolumeMount{Name: volName, ReadOnly: true, MountPath: serviceAccountMountPath}
	needed := false
	// A container that already mounts something at the path keeps it.
	addTo := func(list []corev1.Container) {
		for i := range list {
			taken := false
			for _, m := range list[i].VolumeMounts {
				if m.MountPath == serviceAccountMountPath {
					taken = true
					break
				}
			}
			if !taken {
				list[i].VolumeMounts = append(list[i].VolumeMounts, mount)
				needed = true
			}
		}
	}
	addTo(pod.Spec.InitContainers)
	addTo(pod.Spec.Containers)
	if hasVolume || !needed {
		return
	}
	pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{
		Name: volName,
		VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
			DefaultMode: ptr.To(corev1.ProjectedVolumeSourceDefaultMode),
			Sources: []corev1.VolumeProjection{
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr.To(int64(boundTokenExpirationSeconds))}},
				{ConfigMap: &corev1.ConfigMapProjection{
					LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"},
					Items:                []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}},
				}},
				{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{
					Path:     "namespace",
					FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"},
				}}}},
			},
		}},
	})
}
