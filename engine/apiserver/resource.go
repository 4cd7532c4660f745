package apiserver

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

func (s *Server) serveResource(w http.ResponseWriter, r *http.Request, ri *requestInfo, k *kinds.Kind) {
	if !k.Namespaced && ri.Namespace != "" && ri.Resource != "namespaces" {
		writeError(w, notFoundPath(r))
		return
	}
	if ri.Subresource != "" && !k.HasSub(ri.Subresource) {
		writeError(w, notFoundPath(r))
		return
	}
	if k.Plural == "endpoints" && k.GVK.Group == "" {
		// Endpoints were deprecated in favour of EndpointSlices in 1.33.
		warn(w, []string{"v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"})
	}
	if !s.verbAllowed(k, ri) {
		writeError(w, apierrors.NewMethodNotSupported(k.GVR().GroupResource(), ri.Verb))
		return
	}
	switch ri.Subresource {
	case "log":
		s.serveLog(w, r, ri)
		return
	case "exec", "attach":
		s.serveExec(w, r, ri)
		return
	case "scale":
		s.serveScale(w, r, ri, k)
		return
	case "binding":
		s.serveBinding(w, r, ri)
		return
	case "eviction":
		s.serveEviction(w, r, ri, k)
		return
	case "portforward", "ephemeralcontainers", "proxy", "token":
		writeError(w, apierrors.NewMethodNotSupported(k.GVR().GroupResource(), ri.Subresource))
		return
	}
	switch ri.Verb {
	case "get":
		s.serveGet(w, r, ri, k)
	case "list":
		s.serveList(w, r, ri, k)
	case "watch":
		s.serveWatch(w, r, ri, k)
	case "create":
		s.serveCreate(w, r, ri, k)
	case "update":
		s.serveUpdate(w, r, ri, k)
	case "patch":
		s.servePatch(w, r, ri, k)
	case "delete":
		s.serveDelete(w, r, ri, k)
	case "deletecollection":
		s.serveDeleteCollection(w, r, ri, k)
	}
}

func (s *Server) verbAllowed(k *kinds.Kind, ri *requestInfo) bool {
	if ri.Subresource != "" {
		return true
	}
	verb := ri.Verb
	for _, v := range k.Verbs {
		if v == verb {
			return true
		}
	}
	return false
}

// respond writes one object as JSON, a Table or PartialObjectMetadata.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, k *kinds.Kind, code int, obj runtime.Object) {
	if wantsTable(r) {
		m, _ := meta.Accessor(obj)
		t, err := toTable(k, []runtime.Object{obj}, m.GetResourceVersion(), s.API.Now(), r.URL.Query().Get("includeObject"))
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, code, t)
		return
	}
	if wantsPartial(r) {
		writeJSON(w, code, partial(k, obj))
		return
	}
	setGVK(obj, k.GVK)
	writeJSON(w, code, obj)
}

func (s *Server) serveGet(w http.ResponseWriter, r *http.Request, ri *requestInfo, k *kinds.Kind) {
	obj, err := s.API.Store.Get(k, ri.Namespace, ri.Name)
	if err != nil {
		writeError(w, err)
		return
	}
	s.respond(w, r, k, http.StatusOK, obj)
}

func listOptions(r *http.Request, ri *requestInfo, k *kinds.Kind) (store.ListOptions, error) {
	o := store.ListOptions{Namespace: ri.Namespace}
	q := r.URL.Query()
	if ls := q.Get("labelSelector"); ls != "" {
		sel, err := labels.Parse(ls)
		if err != nil {
			return o, apierrors.NewBadRequest("unable to parse requirement: " + err.Error())
		}
		o.Labels = sel
	}
	f, err := parseFieldSelector(k, q.Get("fieldSelector"))
	if err != nil {
		return o, err
	}
	o.Field = f
	return o, nil
}

func (s *Server) serveList(w http.ResponseWriter, r *http.Request, ri *requestInfo, k *kinds.Kind) {
	o, err := listOptions(r, ri, k)
	if err != nil {
		writeError(w, err)
		return
	}
	objs, rv := s.API.Store.List(k, o)
	// limit/continue: kubectl pages `get` in chunks of 500.
	q := r.URL.Query()
	offset := 0
	if c := q.Get("continue"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 || n > len(objs) {
			writeError(w, apierrors.NewBadRequest("invalid continue token"))
			return
		}
		offset = n
	}
	objs = objs[offset:]
	cont := ""
	if lim, err := strconv.Atoi(q.Get("limit")); err == nil && lim > 0 && lim < len(objs) {
		objs = objs[:lim]
		cont = strconv.Itoa(offset + lim)
	}
	rvs := strconv.FormatUint(rv, 10)
	if wantsTable(r) {
		t, err := toTable(k, objs, rvs, s.API.Now(), q.Get("includeObject"))
		if err != nil {
			writeError(w, err)
			return
		}
		t.Continue = cont
		writeJSON(w, http.StatusOK, t)
		return
	}
	if wantsPartial(r) {
		pl := &metav1.PartialObjectMetadataList{
			TypeMeta: metav1.TypeMeta{Kind: "PartialObjectMetadataList", APIVersion: "meta.k8s.io/v1"},
			ListMeta: metav1.ListMeta{ResourceVersion: rvs, Continue: cont},
		}
		for _, obj := range objs {
			pl.Items = append(pl.Items, *partial(k, obj))
		}
		writeJSON(w, http.StatusOK, pl)
		return
	}
	list := k.NewList()
	if err := meta.SetList(list, objs); err != nil {
		writeError(w, apierrors.NewInternalError(err))
		return
	}
	lm, _ := meta.ListAccessor(list)
	lm.SetResourceVersion(rvs)
	lm.SetContinue(cont)
	setGVK(list, k.GVK.GroupVersion().WithKind(k.GVK.Kind+"List"))
	writeJSON(w, http.StatusOK, list)
}

func writeOptions(r *http.Request) WriteOptions {
	q := r.URL.Query()
	fv := q.Get("fieldValidation")
	if fv == "" {
		// The API server's default is Warn.
		fv = "Warn"
	}
	return WriteOptions{DryRun: len(q["dryRun"]) > 0, FieldValidation: fv}
}

func warn(w http.ResponseWriter, warnings []string) {
	for _, msg := range warnings {
		w.Header().Add("Warning", `299 - "`+msg+`"`)
	}
}

func (s *Server) serveCreate(w http.ResponseWriter, r *http.Request, ri *requestInfo, k *kinds.Kind) {
	if ri.Name != "" {
		writeError(w, apierrors.NewMethodNotSupported(k.GVR().GroupResource(), "create"))
		return
	}
	o := writeOptions(r)
	obj, warnings, err := decodeBody(r, k, o.FieldValidation)
	if err != nil {
		writeError(w, err)
		return
	}
	warn(w, warnings)
	var out runtime.Object
	s.write(func() { out, err = s.API.Create(r.Context(), k, ri.Namespace, obj, o) })
	if err != nil {
		writeError(w, err)
		return
	}
	s.respond(w, r, k, http.StatusCreated, out)
}

func (s *Server) serveUpdate(w http.ResponseWriter, r *http.Request, ri *requestInfo, k *kinds.Kind) {
	o := writeOptions(r)
	obj, warnings, err := decodeBody(r, k, o.FieldValidation)
	if err != nil {
		writeError(w, err)
		return
	}
	warn(w, warnings)
	var out runtime.Object
	s.write(func() { out, err = s.API.Update(r.Context(), k, ri.Namespace, ri.Name, ri.Subresource, obj, o) })
	if err != nil {
		writeError(w, err)
		return
	}
	s.respond(w, r, k, http.StatusOK, out)
}

func (s *Server) servePatch(w http.ResponseWriter, r *http.Request, ri *requestInfo, k *kinds.Kind) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeError(w, apierrors.NewBadRequest(err.Error()))
		return
	}
	pt := types.PatchType(mediaType(r.Header.Get("Content-Type")))
	var out runtime.Object
	s.write(func() {
		out, err = s.API.Patch(r.Context(), k, ri.Namespace, ri.Name, ri.Subresource, pt, data, writeOptions(r))
	})
	if err != nil {
		writeError(w, err)
		return
	}
	s.respond(w, r, k, http.StatusOK, out)
}

func deleteOptions(r *http.Request) (*metav1.DeleteOptions, error) {
	opts := &metav1.DeleteOptions{}
	data, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if len(data) > 0 {
		if err := decodeInto(r, data, opts); err != nil {
			return nil, err
		}
	}
	q := r.URL.Query()
	if g := q.Get("gracePeriodSeconds"); g != "" {
		n, err := strconv.ParseInt(g, 10, 64)
		if err != nil {
			return nil, apierrors.NewBadRequest("invalid gracePeriodSeconds")
		}
		opts.GracePeriodSeconds = &n
	}
	if p := q.Get("propagationPolicy"); p != "" {
		pp := metav1.DeletionPropagation(p)
		opts.PropagationPolicy = &pp
	}
	if len(q["dryRun"]) > 0 {
		opts.DryRun = q["dryRun"]
	}
	return opts, nil
}

func (s *Server) serveDelete(w http.ResponseWriter, r *http.Request, ri *requestInfo, k *kinds.Kind) {
	opts, err := deleteOptions(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var obj runtime.Object
	var gone bool
	s.write(func() { obj, gone, err = s.API.Delete(r.Context(), k, ri.Namespace, ri.Name, opts) })
	if err != nil {
		writeError(w, err)
		return
	}
	code := http.StatusOK
	if !gone {
		code = http.StatusAccepted
		if k.Plural == "pods" || k.Plural == "namespaces" {
			// Pods and namespaces answer 200 with the object even while
			// terminating, as the API server does.
			code = http.StatusOK
		}
	}
	s.respond(w, r, k, code, obj)
}

func (s *Server) serveDeleteCollection(w http.ResponseWriter, r *http.Request, ri *requestInfo, k *kinds.Kind) {
	o, err := listOptions(r, ri, k)
	if err != nil {
		writeError(w, err)
		return
	}
	opts, err := deleteOptions(r)
	if err != nil {
		writeError(w, err)
		return
	}
	objs, rv := s.API.Store.List(k, o)
	var deleted []runtime.Object
	for _, obj := range objs {
		m, _ := meta.Accessor(obj)
		var out runtime.Object
		s.write(func() { out, _, err = s.API.Delete(r.Context(), k, m.GetNamespace(), m.GetName(), opts) })
		if err != nil && !apierrors.IsNotFound(err) {
			writeError(w, err)
			return
		}
		if out != nil {
			deleted = append(deleted, out)
		}
	}
	list := k.NewList()
	meta.SetList(list, deleted)
	lm, _ := meta.ListAccessor(list)
	lm.SetResourceVersion(strconv.FormatUint(rv, 10))
	setGVK(list, k.GVK.GroupVersion().WithKind(k.GVK.Kind+"List"))
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) serveScale(w http.ResponseWriter, r *http.Request, ri *requestInfo, k *kinds.Kind) {
	switch ri.Verb {
	case "get":
		sc, err := s.API.Scale(k, ri.Namespace, ri.Name)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, sc)
	case "update", "patch":
		cur, err := s.API.Scale(k, ri.Namespace, ri.Name)
		if err != nil {
			writeError(w, err)
			return
		}
		data, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
		next := &autoscalingv1.Scale{}
		if ri.Verb == "patch" {
			orig, _ := json.Marshal(cur)
			sk := &kinds.Kind{GVK: autoscalingv1.SchemeGroupVersion.WithKind("Scale"), New: func() runtime.Object { return &autoscalingv1.Scale{} }}
			patched, err := applyPatch(sk, types.PatchType(mediaType(r.Header.Get("Content-Type"))), orig, data)
			if err != nil {
				writeError(w, err)
				return
			}
			data = patched
		}
		if ri.Verb == "patch" {
			if err := json.Unmarshal(data, next); err != nil {
				writeError(w, apierrors.NewBadRequest(err.Error()))
				return
			}
		} else if err := decodeInto(r, data, next); err != nil {
			writeError(w, err)
			return
		}
		if next.ResourceVersion != "" && next.ResourceVersion != cur.ResourceVersion {
			writeError(w, apierrors.NewConflict(k.GVR().GroupResource(), ri.Name, errModified))
			return
		}
		obj, err := s.API.Store.Get(k, ri.Namespace, ri.Name)
		if err != nil {
			writeError(w, err)
			return
		}
		var updated runtime.Object
		s.write(func() {
			updated, err = s.API.Update(r.Context(), k, ri.Namespace, ri.Name, "", withReplicas(obj, next.Spec.Replicas), writeOptions(r))
		})
		if err != nil {
			writeError(w, err)
			return
		}
		sc, _ := toScale(updated)
		writeJSON(w, http.StatusOK, sc)
	default:
		writeError(w, apierrors.NewMethodNotSupported(k.GVR().GroupResource(), ri.Verb))
	}
}

type modifiedError struct{}

func (modifiedError) Error() string {
	return "the object has been modified; please apply your changes to the latest version and try again"
}

var errModified = modifiedError{}

// serveBinding binds a pod to a node (pods/binding), as a scheduler does.
// serveEviction is pods/eviction, what `kubectl drain` posts for each pod.
// As the API server's eviction storage: the Eviction must name the pod in
// the URL, and the pod is deleted with the Eviction's delete options. The
// cluster has no PodDisruptionBudgets, so no eviction is ever refused as
// one would be ("Cannot evict pod as it would violate the pod's
// disruption budget", 429).
func (s *Server) serveEviction(w http.ResponseWriter, r *http.Request, ri *requestInfo, k *kinds.Kind) {
	var ev policyv1.Eviction
	data, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err := decodeInto(r, data, &ev); err != nil {
		writeError(w, err)
		return
	}
	if ev.Name != ri.Name {
		writeError(w, apierrors.NewBadRequest("name in URL does not match name in Eviction object"))
		return
	}
	opts := ev.DeleteOptions
	if opts == nil {
		opts = &metav1.DeleteOptions{}
	}
	if q := r.URL.Query()["dryRun"]; len(opts.DryRun) == 0 && len(q) > 0 {
		opts.DryRun = q
	}
	var err error
	s.write(func() { _, _, err = s.API.Delete(r.Context(), k, ri.Namespace, ri.Name, opts) })
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, &metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: metav1.StatusSuccess, Code: 201})
}

func (s *Server) serveBinding(w http.ResponseWriter, r *http.Request, ri *requestInfo) {
	var b corev1.Binding
	data, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err := decodeInto(r, data, &b); err != nil {
		writeError(w, err)
		return
	}
	var err error
	s.write(func() { err = s.API.Bind(ri.Namespace, ri.Name, b.Target.Name) })
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, &metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: metav1.StatusSuccess, Code: 201})
}
