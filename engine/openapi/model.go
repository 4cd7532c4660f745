package openapi

import "encoding/json"

// The types below are the subset of OpenAPI 3.0 that the API server emits, written
// out by encoding/json. Our own small structs rather than kube-openapi's spec3 ones:
// they marshal faster, and the tests parse the output with spec3 to prove it reads.

// document is one group-version's OpenAPI document.
type document struct {
	OpenAPI    string               `json:"openapi"`
	Info       info                 `json:"info"`
	Paths      map[string]*pathItem `json:"paths"`
	Components components           `json:"components"`
}

type info struct {
	Title   string `json:"title"`
	Version string `json:"version"`
}

type components struct {
	Schemas map[string]*schema `json:"schemas"`
}

type pathItem struct {
	Get        *operation   `json:"get,omitempty"`
	Put        *operation   `json:"put,omitempty"`
	Post       *operation   `json:"post,omitempty"`
	Delete     *operation   `json:"delete,omitempty"`
	Patch      *operation   `json:"patch,omitempty"`
	Parameters []*parameter `json:"parameters,omitempty"`
}

type operation struct {
	Tags        []string             `json:"tags,omitempty"`
	Description string               `json:"description,omitempty"`
	OperationID string               `json:"operationId,omitempty"`
	Parameters  []*parameter         `json:"parameters,omitempty"`
	RequestBody *requestBody         `json:"requestBody,omitempty"`
	Responses   map[string]*response `json:"responses"`
	// Action and GVK are how kubectl finds the operations of a kind: the
	// fieldValidation check and client-side apply look for a patch operation whose
	// GVK matches, explain for a list or read operation on the resource's path.
	Action string `json:"x-kubernetes-action,omitempty"`
	GVK    *gvk   `json:"x-kubernetes-group-version-kind,omitempty"`
}

type parameter struct {
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Description string  `json:"description,omitempty"`
	Required    bool    `json:"required,omitempty"`
	Schema      *schema `json:"schema,omitempty"`
}

type requestBody struct {
	Content  map[string]mediaType `json:"content"`
	Required bool                 `json:"required,omitempty"`
}

type response struct {
	Description string               `json:"description"`
	Content     map[string]mediaType `json:"content,omitempty"`
}

type mediaType struct {
	Schema *schema `json:"schema"`
}

type gvk struct {
	Group   string `json:"group"`
	Kind    string `json:"kind"`
	Version string `json:"version"`
}

// schema is a JSON schema as the API server writes it, Kubernetes extensions
// included.
type schema struct {
	Ref                  string             `json:"$ref,omitempty"`
	Description          string             `json:"description,omitempty"`
	Type                 string             `json:"type,omitempty"`
	Format               string             `json:"format,omitempty"`
	Default              json.RawMessage    `json:"default,omitempty"`
	UniqueItems          bool               `json:"uniqueItems,omitempty"`
	Items                *schema            `json:"items,omitempty"`
	AdditionalProperties *schema            `json:"additionalProperties,omitempty"`
	Properties           map[string]*schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	AllOf                []*schema          `json:"allOf,omitempty"`
	OneOf                []*schema          `json:"oneOf,omitempty"`

	GVK           []gvk    `json:"x-kubernetes-group-version-kind,omitempty"`
	PatchStrategy string   `json:"x-kubernetes-patch-strategy,omitempty"`
	PatchMergeKey string   `json:"x-kubernetes-patch-merge-key,omitempty"`
	ListType      string   `json:"x-kubernetes-list-type,omitempty"`
	ListMapKeys   []string `json:"x-kubernetes-list-map-keys,omitempty"`
	MapType       string   `json:"x-kubernetes-map-type,omitempty"`
}

const schemaRefPrefix = "#/components/schemas/"

func refTo(name string) *schema { return &schema{Ref: schemaRefPrefix + name} }

// emptyObject is the default upstream gives fields of a non-pointer struct type:
// the zero value the decoder leaves there when the field is absent.
var emptyObject = json.RawMessage(`{}`)
