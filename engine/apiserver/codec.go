package apiserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/kubernetes/scheme"

	"kubetour/engine/kinds"
)

// Scheme is client-go's: it knows every k8s.io/api type we serve, in JSON,
// YAML and protobuf.
var (
	strictCodecs = serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict)
	laxCodecs    = serializer.NewCodecFactory(scheme.Scheme)
)

const maxBody = 3 << 20 // the API server's request size limit is 3 MiB

// decodeBody reads a request body into a new object of kind k. Field
// validation follows the request's fieldValidation parameter, as the API
// server does: Strict fails on unknown or duplicate fields, Warn reports
// them as warnings, Ignore drops them.
func decodeBody(r *http.Request, k *kinds.Kind, validation string) (runtime.Object, []string, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, nil, apierrors.NewBadRequest(err.Error())
	}
	if len(data) > maxBody {
		return nil, nil, apierrors.NewRequestEntityTooLargeError("limit is 3145728")
	}
	return decodeBytes(data, mediaType(r.Header.Get("Content-Type")), k, validation)
}

func decodeBytes(data []byte, media string, k *kinds.Kind, validation string) (runtime.Object, []string, error) {
	codecs := laxCodecs
	if validation == "Strict" || validation == "Warn" {
		codecs = strictCodecs
	}
	info, ok := runtime.SerializerInfoForMediaType(codecs.SupportedMediaTypes(), media)
	if !ok {
		if media == "" {
			media = "application/json"
			info, ok = runtime.SerializerInfoForMediaType(codecs.SupportedMediaTypes(), media)
		}
		if !ok {
			return nil, nil, unsupportedMediaType(media)
		}
	}
	into := k.New()
	obj, gvk, err := info.Serializer.Decode(data, &k.GVK, into)
	var warnings []string
	if err != nil && runtime.IsStrictDecodingError(err) {
		if validation == "Warn" {
			for _, e := range err.(interface{ Errors() []error }).Errors() {
				warnings = append(warnings, e.Error())
			}
			// Decode again leniently to get the object.
			lax, _ := runtime.SerializerInfoForMediaType(laxCodecs.SupportedMediaTypes(), media)
			obj, gvk, err = lax.Serializer.Decode(data, &k.GVK, k.New())
		} else {
			return nil, nil, apierrors.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: %v",
				k.GVK.Kind, k.GVK.Version, k.GVK.Kind, err))
		}
	}
	if err != nil {
		return nil, nil, apierrors.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: %v",
			k.GVK.Kind, k.GVK.Version, k.GVK.Kind, err))
	}
	if gvk != nil && (gvk.Kind != k.GVK.Kind || gvk.GroupVersion() != k.GVK.GroupVersion()) {
		return nil, nil, apierrors.NewBadRequest(fmt.Sprintf("the API version in the data (%s) does not match the expected API version (%s)",
			gvk.GroupVersion().String(), k.GVK.GroupVersion().String()))
	}
	return obj, warnings, nil
}

func mediaType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.TrimSpace(ct)
}

// setGVK stamps apiVersion and kind on an object about to be sent: the store
// keeps them empty, as the API server's storage does.
func setGVK(obj runtime.Object, gvk schema.GroupVersionKind) {
	obj.GetObjectKind().SetGroupVersionKind(gvk)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		data, _ = json.Marshal(statusFor(apierrors.NewInternalError(err)))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(data)
}

// writeError answers with a metav1.Status worded like the API server's.
func writeError(w http.ResponseWriter, err error) {
	st := statusFor(err)
	writeJSON(w, int(st.Code), st)
}

func statusFor(err error) *metav1.Status {
	var st metav1.Status
	if se, ok := err.(apierrors.APIStatus); ok {
		st = se.Status()
	} else {
		st = apierrors.NewInternalError(err).Status()
	}
	st.Kind = "Status"
	st.APIVersion = "v1"
	return &st
}

// Decode turns a manifest (JSON or YAML) into a typed object of kind k with
// the API server's strict field validation.
func Decode(data []byte, k *kinds.Kind) (runtime.Object, []string, error) {
	return decodeBytes(data, "application/yaml", k, "Strict")
}

// unsupportedMediaType is the API server's 415 answer.
func unsupportedMediaType(media string) error {
	return &statusErr{metav1.Status{Status: metav1.StatusFailure, Code: http.StatusUnsupportedMediaType,
		Reason:  metav1.StatusReasonUnsupportedMediaType,
		Message: fmt.Sprintf("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got %s)", media)}}
}

// decodeInto decodes a request body of any served media type (JSON, YAML,
// protobuf) into a known object: DeleteOptions, Binding, Scale.
func decodeInto(r *http.Request, data []byte, into runtime.Object) error {
	media := mediaType(r.Header.Get("Content-Type"))
	if media == "" {
		media = "application/json"
	}
	info, ok := runtime.SerializerInfoForMediaType(laxCodecs.SupportedMediaTypes(), media)
	if !ok {
		return unsupportedMediaType(media)
	}
	if _, _, err := info.Serializer.Decode(data, nil, into); err != nil {
		return apierrors.NewBadRequest(err.Error())
	}
	return nil
}
