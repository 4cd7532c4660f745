package admission

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// immortalNamespaces cannot be deleted (NamespaceLifecycle's defaults).
var immortalNamespaces = map[string]bool{
	metav1.NamespaceDefault: true,
	metav1.NamespaceSystem:  true,
	metav1.NamespacePublic:  true,
}

// namespaceLifecycle is the NamespaceLifecycle plugin: nothing may be
// created in a namespace that does not exist or is being deleted, and the
// built-in namespaces cannot be deleted.
func namespaceLifecycle(a *Attributes, l Lister) error {
	isNamespace := a.Resource == "namespaces"
	if a.Op == Delete && isNamespace && immortalNamespaces[a.Name] {
		return apierrors.NewForbidden(schema.GroupResource{Resource: "namespaces"}, a.Name, fmt.Errorf("this namespace may not be deleted"))
	}
	if isNamespace || a.Namespace == "" || a.Op == Delete {
		return nil
	}
	obj, err := l.Get("namespaces", "", a.Namespace)
	if apierrors.IsNotFound(err) {
		return apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, a.Namespace)
	}
	if err != nil {
		return apierrors.NewInternalError(err)
	}
	ns, ok := obj.(*corev1.Namespace)
	if !ok || a.Op != Create || ns.Status.Phase != corev1.NamespaceTerminating {
		return nil
	}
	ferr := a.forbidden(fmt.Errorf("unable to create new content in namespace %s because it is being terminated", a.Namespace))
	if se, ok := ferr.(*apierrors.StatusError); ok && se.ErrStatus.Details != nil {
		// Clients (kubectl among them) recognise this cause and stop retrying.
		se.ErrStatus.Details.Causes = append(se.ErrStatus.Details.Causes, metav1.StatusCause{
			Type:    corev1.NamespaceTerminatingCause,
			Message: fmt.Sprintf("namespace %s is being terminated", a.Namespace),
			Field:   "metadata.namespace",
		})
	}
	return ferr
}
