package controller

import (
	"errors"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// podFromTemplate builds the pod a controller creates from its template
// (GetPodFromTemplate): the template's labels, annotations, finalizers and
// spec, a generated name after the owner's, and the controller reference.
// The template's own metadata.name is ignored, as upstream ignores it.
func podFromTemplate(t *corev1.PodTemplateSpec, ownerName, ns string, ref *metav1.OwnerReference) *corev1.Pod {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName: podNamePrefix(ownerName),
			Namespace:    ns,
			Labels:       copyStrings(t.Labels),
			Annotations:  copyStrings(t.Annotations),
			Finalizers:   append([]string(nil), t.Finalizers...),
		},
		Spec: *t.Spec.DeepCopy(),
	}
	if ref != nil {
		pod.OwnerReferences = append(pod.OwnerReferences, *ref)
	}
	return pod
}

// podNamePrefix is "<owner>-", or the owner's name alone when the dash
// would make an invalid prefix (getPodsPrefix). A generateName prefix is
// validated with its trailing dash masked, as the API server does.
func podNamePrefix(owner string) string {
	prefix := owner + "-"
	if len(validation.IsDNS1123Subdomain(owner+"a")) != 0 {
		prefix = owner
	}
	return prefix
}

func copyStrings(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// errNoLabels is upstream's refusal to create unselectable pods.
var errNoLabels = errors.New("unable to create pods, no labels")

// slowStartBatch calls fn count times in batches of 1, 2, 4, 8 …, and stops
// after the first batch in which a call failed: a ReplicaSet over its quota
// tries one pod, not five hundred. Every call of a batch is made even when
// one fails (upstream runs a batch concurrently). It returns how many calls
// succeeded and the first error.
func slowStartBatch(count, initial int, fn func() error) (int, error) {
	remaining, successes := count, 0
	for batch := min(remaining, initial); batch > 0; batch = min(2*batch, remaining) {
		var first error
		for i := 0; i < batch; i++ {
			if err := fn(); err != nil {
				if first == nil {
					first = err
				}
				continue
			}
			successes++
		}
		if first != nil {
			return successes, first
		}
		remaining -= batch
	}
	return successes, nil
}

// namespaceTerminating reports the API server's refusal to create in a
// namespace being deleted: nothing to retry, the namespace is going away.
func namespaceTerminating(err error) bool {
	return apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause)
}
