package apiserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine/kinds"
)

// FuzzDecodeManifest: any bytes given as a manifest of any kind decode or
// fail with an error; never a panic.
func FuzzDecodeManifest(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n"), 0)
	f.Add([]byte(`{"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":"x"}}`), 18)
	f.Add([]byte("kind: Service\nspec: [1, 2\n"), 15)
	f.Add([]byte("\x00\xff{{{"), 3)
	f.Fuzz(func(t *testing.T, data []byte, which int) {
		if which < 0 {
			which = -which
		}
		k := kinds.All[which%len(kinds.All)]
		if k.New == nil {
			return
		}
		obj, _, err := Decode(data, k)
		if err == nil && obj == nil {
			t.Fatal("no object and no error")
		}
	})
}

// FuzzAPIHandlers: any method, path and body gets an HTTP answer; errors
// are metav1.Status objects; the server never panics.
func FuzzAPIHandlers(f *testing.F) {
	f.Add("POST", "/api/v1/namespaces/default/pods", "application/json", []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx"}]}}`))
	f.Add("PATCH", "/api/v1/namespaces/default/pods/p", "application/strategic-merge-patch+json", []byte(`{"metadata":{"labels":{"a":"b"}}}`))
	f.Add("PATCH", "/api/v1/namespaces/default/pods/p", "application/json-patch+json", []byte(`[{"op":"replace","path":"/spec","value":1}]`))
	f.Add("PUT", "/apis/apps/v1/namespaces/default/deployments/d/scale", "application/json", []byte(`{"spec":{"replicas":-1}}`))
	f.Add("DELETE", "/api/v1/namespaces/default/pods", "application/json", []byte(`{"gracePeriodSeconds":"x"}`))
	f.Add("GET", "/api/v1/namespaces/default/pods?labelSelector=a%20in%20(", "", []byte(nil))
	f.Add("GET", "/apis/batch/v1/jobs?fieldSelector=spec.nosuch=1", "", []byte(nil))
	f.Add("POST", "/api/v1/namespaces/default/services", "application/yaml", []byte("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 99999}]}\n"))
	f.Fuzz(func(t *testing.T, method, path, ctype string, body []byte) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t") {
			return
		}
		switch method {
		case "GET", "POST", "PUT", "PATCH", "DELETE":
		default:
			return
		}
		if strings.Contains(path, "watch=") || strings.Contains(path, "/exec") || strings.Contains(path, "/attach") || strings.Contains(path, "/log") {
			return // streaming endpoints are tested on their own
		}
		if _, err := url.ParseRequestURI(path); err != nil {
			return // not a request a client can send
		}
		srv, _, _ := newTestServer(t)
		req := httptest.NewRequest(method, "http://x"+path, bytes.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		rec := httptest.NewRecorder()
		srv.Config.Handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s -> %d %s", method, path, rec.Code, rec.Body.String())
		}
		if rec.Code >= 400 {
			var st metav1.Status
			if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil || st.Kind != "Status" {
				t.Fatalf("%s %s -> %d without a Status: %q", method, path, rec.Code, rec.Body.String())
			}
		}
		_ = http.StatusOK
	})
}
