package openapi

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	openapi_v2 "github.com/google/gnostic-models/openapiv2"
	"google.golang.org/protobuf/proto"
	runtimeschema "k8s.io/apimachinery/pkg/runtime/schema"
)

// kubectl still reads the Swagger 2.0 document at /openapi/v2 where the v3 ones
// cannot answer:
//
//   - client-side validation (--validate=strict, the default) of a `kind: List`
//     manifest, which is what `kubectl get -o yaml` writes: the v3 verifier
//     never claims server-side validation for v1 List, so each item is checked
//     against the v2 schemas;
//   - the fieldValidation check and client-side validation of a kind with no
//     patch operation (Binding, Eviction, TokenRequest), where the v3 verifier
//     gives up and cli-runtime falls back to the v2 one;
//   - apply and diff, for a kind whose v3 document has no strategic-merge patch;
//   - explain --output=plaintext-openapiv2.
//
// client-go asks for protobuf only (discovery's OpenAPISchema sends
// Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf and
// proto-decodes whatever comes back), so protobuf is what matters; JSON is
// served too, as upstream does, for `kubectl get --raw /openapi/v2` and tools.
//
// The document is derived from the same reflected schemas and operations as the
// v3 ones, rewritten into Swagger 2.0's shape, and built on the first request:
// turning it into protobuf goes through gnostic's parser, which takes far
// longer than building every v3 document, and most sessions never ask for it.

// Media types of the v2 document. Upstream answers both protobuf spellings with
// the second; client-go sends the first.
const (
	swaggerProtoMediaOld = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
	swaggerProtoMedia    = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
)

const definitionsRefPrefix = "#/definitions/"

// swagger is the Swagger 2.0 document, with the fields the API server writes.
type swagger struct {
	Swagger             string                        `json:"swagger"`
	Info                info                          `json:"info"`
	Paths               map[string]*swaggerPath       `json:"paths"`
	Definitions         map[string]*schema            `json:"definitions"`
	SecurityDefinitions map[string]swaggerSecurityDef `json:"securityDefinitions"`
	Security            []map[string][]string         `json:"security"`
}

type swaggerSecurityDef struct {
	Description string `json:"description"`
	Type        string `json:"type"`
	Name        string `json:"name"`
	In          string `json:"in"`
}

type swaggerPath struct {
	Get        *swaggerOperation   `json:"get,omitempty"`
	Put        *swaggerOperation   `json:"put,omitempty"`
	Post       *swaggerOperation   `json:"post,omitempty"`
	Delete     *swaggerOperation   `json:"delete,omitempty"`
	Patch      *swaggerOperation   `json:"patch,omitempty"`
	Parameters []*swaggerParameter `json:"parameters,omitempty"`
}

// swaggerOperation differs from a v3 operation where kubectl looks: the body is
// a parameter "in": "body", and the media types it takes are the operation's
// "consumes" (apply reads strategic-merge-patch+json there).
type swaggerOperation struct {
	Description string                      `json:"description,omitempty"`
	Consumes    []string                    `json:"consumes,omitempty"`
	Produces    []string                    `json:"produces,omitempty"`
	Schemes     []string                    `json:"schemes,omitempty"`
	Tags        []string                    `json:"tags,omitempty"`
	OperationID string                      `json:"operationId,omitempty"`
	Parameters  []*swaggerParameter         `json:"parameters,omitempty"`
	Responses   map[string]*swaggerResponse `json:"responses"`
	Action      string                      `json:"x-kubernetes-action,omitempty"`
	GVK         *gvk                        `json:"x-kubernetes-group-version-kind,omitempty"`
}

// swaggerParameter is a body parameter (Schema set) or a path or query one,
// which in Swagger 2.0 carries its type itself rather than in a schema.
type swaggerParameter struct {
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Description string  `json:"description,omitempty"`
	Required    bool    `json:"required,omitempty"`
	Type        string  `json:"type,omitempty"`
	UniqueItems bool    `json:"uniqueItems,omitempty"`
	Schema      *schema `json:"schema,omitempty"`
}

type swaggerResponse struct {
	Description string  `json:"description"`
	Schema      *schema `json:"schema,omitempty"`
}

// swaggerDocs are the two encodings of the one document.
type swaggerDocs struct {
	json, proto servedDoc
}

// swaggerSource builds the documents once, on first use. build holds what New
// reflected, so nothing is reflected twice.
type swaggerSource struct {
	once  sync.Once
	build func() (swaggerDocs, error)
	docs  swaggerDocs
	err   error
}

func (s *swaggerSource) get() (swaggerDocs, error) {
	s.once.Do(func() {
		if s.build == nil {
			s.err = fmt.Errorf("openapi: no v2 document")
			return
		}
		s.docs, s.err = s.build()
		s.build = nil // let the reflected schemas go
	})
	return s.docs, s.err
}

// buildSwagger writes the v2 document of every group-version in byGV, then its
// protobuf form. The protobuf goes through gnostic's own JSON reader, as the API
// server's does, so the bytes are what client-go expects to decode.
func buildSwagger(b *builder, byGV map[runtimeschema.GroupVersion]*pathsBuilder) (swaggerDocs, error) {
	doc := swaggerDocument(b, byGV)
	js := newServedDoc(doc)
	parsed, err := openapi_v2.ParseDocument(js.body)
	if err != nil {
		return swaggerDocs{}, fmt.Errorf("openapi: v2 document does not parse: %w", err)
	}
	// Deterministic, so the ETag stays the same across restarts.
	pb, err := proto.MarshalOptions{Deterministic: true}.Marshal(parsed)
	if err != nil {
		return swaggerDocs{}, fmt.Errorf("openapi: encoding the v2 document: %w", err)
	}
	return swaggerDocs{json: js, proto: newServedBytes(pb)}, nil
}

// swaggerDocument is the single v2 document: one set of paths and definitions
// for all group-versions, where v3 has a document each.
func swaggerDocument(b *builder, byGV map[runtimeschema.GroupVersion]*pathsBuilder) *swagger {
	doc := &swagger{
		Swagger:     "2.0",
		Info:        info{Title: "Kubernetes", Version: "kubetour"},
		Paths:       map[string]*swaggerPath{},
		Definitions: map[string]*schema{},
		SecurityDefinitions: map[string]swaggerSecurityDef{
			"BearerToken": {Description: "Bearer Token authentication", Type: "apiKey", Name: "authorization", In: "header"},
		},
		Security: []map[string][]string{{"BearerToken": {}}},
	}
	roots := map[string]bool{}
	for _, pb := range byGV {
		maps.Copy(roots, pb.roots)
		for path, item := range pb.paths {
			doc.Paths[path] = swaggerPathOf(item)
		}
	}
	for name, s := range closure(b, roots) {
		doc.Definitions[name] = swaggerSchema(s)
	}
	return doc
}

// swaggerSchema rewrites a v3 schema as Swagger 2.0 has it:
//   - references point into #/definitions;
//   - Swagger 2.0 allows siblings next to $ref (and kube-openapi's v2 reader,
//     which kubectl validates with, does not understand allOf), so the
//     allOf-wrapped reference of a field becomes the $ref itself, keeping the
//     field's description and merge extensions, without the {} default, as
//     upstream writes it;
//   - there is no oneOf: a value of several JSON types (Quantity) is described
//     by the first, the type its OpenAPISchemaType names.
func swaggerSchema(s *schema) *schema {
	if s == nil {
		return nil
	}
	out := *s
	out.AllOf, out.OneOf = nil, nil
	if len(s.AllOf) == 1 && s.AllOf[0].Ref != "" {
		out.Ref = s.AllOf[0].Ref
		out.Default = nil
	}
	if out.Ref != "" {
		out.Ref = definitionsRefPrefix + strings.TrimPrefix(out.Ref, schemaRefPrefix)
	}
	if out.Type == "" && len(s.OneOf) > 0 {
		out.Type = s.OneOf[0].Type
	}
	out.Items = swaggerSchema(s.Items)
	out.AdditionalProperties = swaggerSchema(s.AdditionalProperties)
	if s.Properties != nil {
		out.Properties = make(map[string]*schema, len(s.Properties))
		for name, p := range s.Properties {
			out.Properties[name] = swaggerSchema(p)
		}
	}
	return &out
}

func swaggerPathOf(item *pathItem) *swaggerPath {
	return &swaggerPath{
		Get:        swaggerOperationOf(item.Get),
		Put:        swaggerOperationOf(item.Put),
		Post:       swaggerOperationOf(item.Post),
		Delete:     swaggerOperationOf(item.Delete),
		Patch:      swaggerOperationOf(item.Patch),
		Parameters: swaggerParams(item.Parameters),
	}
}

func swaggerOperationOf(op *operation) *swaggerOperation {
	if op == nil {
		return nil
	}
	out := &swaggerOperation{
		Description: op.Description,
		// Operations without a body take anything, as upstream lists them.
		Consumes:    []string{"*/*"},
		Schemes:     []string{"https"},
		Tags:        op.Tags,
		OperationID: op.OperationID,
		Responses:   map[string]*swaggerResponse{},
		Action:      op.Action,
		GVK:         op.GVK,
	}
	if op.RequestBody != nil {
		out.Consumes = slices.Sorted(maps.Keys(op.RequestBody.Content))
		out.Parameters = append(out.Parameters, &swaggerParameter{
			Name: "body", In: "body", Required: true,
			Schema: swaggerSchema(contentSchema(op.RequestBody.Content)),
		})
	}
	out.Parameters = append(out.Parameters, swaggerParams(op.Parameters)...)
	produces := map[string]bool{}
	for code, r := range op.Responses {
		out.Responses[code] = &swaggerResponse{Description: r.Description, Schema: swaggerSchema(contentSchema(r.Content))}
		for m := range r.Content {
			produces[m] = true
		}
	}
	out.Produces = slices.Sorted(maps.Keys(produces))
	return out
}

// contentSchema is the schema of a body: the same under every media type.
func contentSchema(content map[string]mediaType) *schema {
	if len(content) == 0 {
		return nil
	}
	return content[slices.Min(slices.Collect(maps.Keys(content)))].Schema
}

func swaggerParams(ps []*parameter) []*swaggerParameter {
	out := make([]*swaggerParameter, 0, len(ps))
	for _, p := range ps {
		sp := &swaggerParameter{Name: p.Name, In: p.In, Description: p.Description, Required: p.Required}
		if p.Schema != nil {
			sp.Type, sp.UniqueItems = p.Schema.Type, p.Schema.UniqueItems
		}
		out = append(out, sp)
	}
	return out
}
