package lessons

import (
	"errors"
	"time"
)

// Cluster is everything lessons read from a cluster. Objects are their JSON
// form as the API serves them (apiVersion and kind set; integers as int64),
// the shape kubectl's jsonpath sees.
//
// Resource names are what a student types after `kubectl get`: "pod",
// "pods", "po", "deploy", "deployments.apps".
type Cluster interface {
	// Get returns one object. A missing object is an error wrapping
	// ErrNotFound; an unknown resource one wrapping ErrUnknownResource.
	Get(resource, namespace, name string) (map[string]any, error)
	// List returns a resource's objects in namespace ("" = every namespace).
	List(resource, namespace string) ([]map[string]any, error)
	// Isolation returns the Linux isolation facts of a running pod.
	Isolation(namespace, pod string) (*Isolation, error)
}

var (
	// ErrNotFound is wrapped by Cluster errors for a missing object.
	ErrNotFound = errors.New("not found")
	// ErrUnknownResource is wrapped for a resource type the cluster does not serve.
	ErrUnknownResource = errors.New("unknown resource type")
)

// NotFound is an error for a missing object, worded as the API server
// words it (`pods "web" not found`), that wraps ErrNotFound.
func NotFound(msg string) error { return &kindError{msg: msg, kind: ErrNotFound} }

// UnknownResource is an error for a resource type the cluster does not
// serve, wrapping ErrUnknownResource.
func UnknownResource(msg string) error { return &kindError{msg: msg, kind: ErrUnknownResource} }

type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// Isolation are the namespaces of a pod's containers.
type Isolation struct {
	Containers []ContainerIsolation
}

// ContainerIsolation is one container's namespace ids and cgroup limits.
type ContainerIsolation struct {
	Name string
	// Namespaces maps a namespace type ("net", "pid", …) to its id
	// ("net:[4026532281]"): equal ids mean a shared namespace.
	Namespaces  map[string]string
	MemoryLimit int64 // bytes; 0 = unlimited
	CPUQuota    int64 // microseconds per period; 0 = unlimited
	CPUPeriod   int64
}

// Event is one narration event of the engine, as the caller hands it over.
type Event struct {
	Seq     uint64
	Time    time.Time
	Kind    string // "change" | "decision"
	Source  string
	Reason  string
	Type    string
	Objects []Ref // the first is the object the event is about
	Message string
	EN, KO  string
	Fields  map[string]string
}

// Ref names an object an event is about.
type Ref struct {
	Kind      string
	Namespace string
	Name      string
}

// Command is one command the student ran.
type Command struct {
	// Seq is the event sequence number when it finished: the command
	// belongs to the step whose observation started before it.
	Seq    uint64
	Time   time.Time
	Line   string
	Args   []string
	Exit   int
	Output string
}
