package admission

import (
	"net/netip"
	"reflect"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Operation is the verb of the request, spelled as admission.Operation is in
// k8s.io/apiserver so that messages built from it ("Unable to CREATE ...")
// read the same.
type Operation string

const (
	Create Operation = "CREATE"
	Update Operation = "UPDATE"
	Delete Operation = "DELETE"
)

// Attributes describes one request the way kube-apiserver's admission chain
// sees it. Object is the decoded, typed k8s.io/api object; the functions of
// this package change it in place, as the API server does.
type Attributes struct {
	Op          Operation
	Resource    string // plural, e.g. "pods"
	Subresource string // "", "status", "scale"
	Namespace   string
	Name        string
	Object      runtime.Object
	OldObject   runtime.Object
	// ServiceCIDR is the cluster's Service range; zero means
	// DefaultServiceCIDR.
	ServiceCIDR netip.Prefix
}

// Lister reads the store. It returns copies, so nothing here mutates stored
// objects. resource is plural; namespace "" means every namespace (and is
// what cluster-scoped resources use). Get returns an error for which
// apierrors.IsNotFound is true when the object does not exist.
type Lister interface {
	List(resource, namespace string) ([]runtime.Object, error)
	Get(resource, namespace, name string) (runtime.Object, error)
}

// groupByPackage maps the directory of a k8s.io/api package to its API group.
// The typed objects carry no TypeMeta we can trust (clients may omit it), so
// the group is read from the Go package, which is unambiguous.
var groupByPackage = map[string]string{
	"core":                  "",
	"apps":                  "apps",
	"batch":                 "batch",
	"autoscaling":           "autoscaling",
	"policy":                "policy",
	"networking":            "networking.k8s.io",
	"scheduling":            "scheduling.k8s.io",
	"storage":               "storage.k8s.io",
	"rbac":                  "rbac.authorization.k8s.io",
	"coordination":          "coordination.k8s.io",
	"discovery":             "discovery.k8s.io",
	"events":                "events.k8s.io",
	"node":                  "node.k8s.io",
	"certificates":          "certificates.k8s.io",
	"admissionregistration": "admissionregistration.k8s.io",
	"flowcontrol":           "flowcontrol.apiserver.k8s.io",
	"resource":              "resource.k8s.io",
}

// groupKindOf returns the API group and kind of a typed object, e.g.
// apps/Deployment for *appsv1.Deployment.
func groupKindOf(obj runtime.Object) schema.GroupKind {
	t := reflect.TypeOf(obj)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	parts := strings.Split(t.PkgPath(), "/")
	group := ""
	if len(parts) >= 2 {
		dir := parts[len(parts)-2]
		if g, ok := groupByPackage[dir]; ok {
			group = g
		} else {
			group = dir
		}
	}
	return schema.GroupKind{Group: group, Kind: t.Name()}
}

// groupResource is the resource of the request qualified with the object's
// group, as admission.Attributes.GetResource().GroupResource() would be.
func (a *Attributes) groupResource() schema.GroupResource {
	gr := schema.GroupResource{Resource: a.Resource}
	if a.Object != nil {
		gr.Group = groupKindOf(a.Object).Group
	} else if a.OldObject != nil {
		gr.Group = groupKindOf(a.OldObject).Group
	}
	return gr
}

// objectName is the name admission errors report. Like admission.NewForbidden
// it prefers metadata.name, then metadata.generateName (a controller-created
// pod that is refused before its name is generated reads `pods "web-"`).
func (a *Attributes) objectName() string {
	if a.Object != nil {
		if acc, err := meta.Accessor(a.Object); err == nil {
			if acc.GetName() != "" {
				return acc.GetName()
			}
			if acc.GetGenerateName() != "" {
				return acc.GetGenerateName()
			}
		}
	}
	if a.Name != "" {
		return a.Name
	}
	return "Unknown"
}

// forbidden wraps err the way k8s.io/apiserver's admission.NewForbidden does:
// `pods "web" is forbidden: <err>`, status 403, reason Forbidden. An error that
// already is a Forbidden StatusError is returned unchanged, as upstream avoids
// double wrapping.
func (a *Attributes) forbidden(err error) error {
	if apierrors.IsForbidden(err) {
		return err
	}
	return apierrors.NewForbidden(a.groupResource(), a.objectName(), err)
}

// invalid builds the 422 error validation returns: `The Pod "x" is invalid: ...`
// once kubectl adds its prefix.
func invalid(obj runtime.Object, name string, errs field.ErrorList) error {
	if len(errs) == 0 {
		return nil
	}
	return apierrors.NewInvalid(groupKindOf(obj), name, errs)
}

// objectMeta returns the ObjectMeta of any typed object.
func objectMeta(obj runtime.Object) metav1.Object {
	if obj == nil {
		return nil
	}
	acc, err := meta.Accessor(obj)
	if err != nil {
		return nil
	}
	return acc
}

// nameOf is the name an error about obj reports.
func nameOf(a *Attributes) string {
	if m := objectMeta(a.Object); m != nil && m.GetName() != "" {
		return m.GetName()
	}
	return a.Name
}

// isCreate and isUpdate read the operation; a request on a subresource is
// reported separately so callers can skip spec work on status writes.
func (a *Attributes) isCreate() bool { return a.Op == Create }
func (a *Attributes) isUpdate() bool { return a.Op == Update }

// mainResource is true for a write to the object itself rather than to its
// status or scale subresource.
func (a *Attributes) mainResource() bool { return a.Subresource == "" }
