package engine

import (
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Kubeconfig returns a kubeconfig for the served API (after Serve), so any
// kubectl, k9s or client-go program can use the cluster.
func (c *Cluster) Kubeconfig() ([]byte, error) {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["kubetour"] = &clientcmdapi.Cluster{Server: c.URL(), CertificateAuthorityData: c.CA()}
	cfg.AuthInfos["kubetour-student"] = &clientcmdapi.AuthInfo{Token: c.Token()}
	cfg.Contexts["kubetour"] = &clientcmdapi.Context{Cluster: "kubetour", AuthInfo: "kubetour-student", Namespace: "default"}
	cfg.CurrentContext = "kubetour"
	return clientcmd.Write(*cfg)
}

// RESTConfig is a client-go configuration for the served API.
func (c *Cluster) RESTConfig() *rest.Config {
	return &rest.Config{Host: c.URL(), BearerToken: c.Token(), QPS: -1, TLSClientConfig: rest.TLSClientConfig{CAData: c.CA()}}
}
