package apiserver

import (
	"net/http"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"kubetour/engine/kinds"
	"kubetour/engine/printers"
)

// wantsTable reports a client asking for server-side printing (kubectl get).
func wantsTable(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if strings.Contains(part, "as=Table") && strings.Contains(part, "g=meta.k8s.io") {
			return true
		}
	}
	return false
}

// wantsPartial reports a client asking for metadata only.
func wantsPartial(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "as=PartialObjectMetadata")
}

// toTable renders objects as the API server's Table, with rows carrying the
// object as includeObject asks (Metadata by default, which is what kubectl
// uses for --show-labels and -L).
func toTable(k *kinds.Kind, objs []runtime.Object, rv string, now time.Time, include string) (*metav1.Table, error) {
	t := &metav1.Table{
		TypeMeta:          metav1.TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/v1"},
		ListMeta:          metav1.ListMeta{ResourceVersion: rv},
		ColumnDefinitions: printers.Columns(k.Plural),
		Rows:              make([]metav1.TableRow, 0, len(objs)),
	}
	for _, obj := range objs {
		cells, err := printers.Cells(k.Plural, obj, now)
		if err != nil {
			return nil, err
		}
		row := metav1.TableRow{Cells: cells}
		switch include {
		case "None":
		case "Object":
			setGVK(obj, k.GVK)
			row.Object = runtime.RawExtension{Object: obj}
		default:
			row.Object = runtime.RawExtension{Object: partial(k, obj)}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

func partial(k *kinds.Kind, obj runtime.Object) *metav1.PartialObjectMetadata {
	m, _ := meta.Accessor(obj)
	p := meta.AsPartialObjectMetadata(m)
	p.TypeMeta = metav1.TypeMeta{Kind: "PartialObjectMetadata", APIVersion: "meta.k8s.io/v1"}
	p.ManagedFields = nil
	return p
}
