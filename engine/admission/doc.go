// Package admission is what kubetour's API server does to an object between
// decoding it and storing it, reproduced from kube-apiserver so that the
// real kubectl gets the answers, defaults and error texts a real cluster
// gives:
//
//   - Default: scheme defaulting (SetObjectDefaults_*) and the registry
//     strategies' PrepareForCreate/PrepareForUpdate.
//   - Validate: the strategies' Validate/ValidateUpdate, returned as the
//     422 Invalid StatusError (`The Pod "x" is invalid: ...` in kubectl).
//   - Admit: the default-enabled admission plugins that change what a
//     student sees (NamespaceLifecycle, LimitRanger, ServiceAccount,
//     Priority, DefaultTolerationSeconds, the storage plugins, ResourceQuota).
//   - AllocateService: ClusterIP and NodePort allocation of the Service
//     storage.
//   - QuotaUsage: status.used of a ResourceQuota, for the quota controller.
//
// kube-apiserver runs these as Default, mutating admission, Service
// allocation, validation, validating admission; Process does exactly that
// and is the simplest correct way to use the package. Everything reads the
// store through a Lister and keeps no state of its own.
//
// The code follows upstream's logic and wording (Kubernetes 1.37, the
// version of the k8s.io modules in go.mod) but is written for the v1 types;
// where upstream's behaviour depends on map iteration order (several
// LimitRanges or quotas), this package picks the oldest object first so
// that a lesson replays the same way every time.
package admission
