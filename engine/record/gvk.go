package record

import "k8s.io/apimachinery/pkg/runtime/schema"

type schemaGVK schema.GroupVersionKind

func (g schemaGVK) GroupVersion() schema.GroupVersion {
	return schema.GroupVersion{Group: g.Group, Version: g.Version}
}
