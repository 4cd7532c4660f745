package printers

import (
	"reflect"
	"strings"
	"testing"
)

func TestColumns(t *testing.T) {
	tests := map[string]struct {
		// names of the default columns, then of the -o wide ones
		normal, wide []string
	}{
		"pods":                     {[]string{"Name", "Ready", "Status", "Restarts", "Age"}, []string{"IP", "Node", "Nominated Node", "Readiness Gates"}},
		"podtemplates":             {[]string{"Name", "Containers", "Images", "Pod Labels"}, nil},
		"replicationcontrollers":   {[]string{"Name", "Desired", "Current", "Ready", "Age"}, []string{"Containers", "Images", "Selector"}},
		"replicasets":              {[]string{"Name", "Desired", "Current", "Ready", "Age"}, []string{"Containers", "Images", "Selector"}},
		"daemonsets":               {[]string{"Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age"}, []string{"Containers", "Images", "Selector"}},
		"deployments":              {[]string{"Name", "Ready", "Up-to-date", "Available", "Age"}, []string{"Containers", "Images", "Selector"}},
		"statefulsets":             {[]string{"Name", "Ready", "Age"}, []string{"Containers", "Images"}},
		"controllerrevisions":      {[]string{"Name", "Controller", "Revision", "Age"}, nil},
		"jobs":                     {[]string{"Name", "Status", "Completions", "Duration", "Age"}, []string{"Containers", "Images", "Selector"}},
		"cronjobs":                 {[]string{"Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age"}, []string{"Containers", "Images", "Selector"}},
		"services":                 {[]string{"Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age"}, []string{"Selector"}},
		"endpoints":                {[]string{"Name", "Endpoints", "Age"}, nil},
		"endpointslices":           {[]string{"Name", "AddressType", "Ports", "Endpoints", "Age"}, nil},
		"nodes":                    {[]string{"Name", "Status", "Roles", "Age", "Version"}, []string{"Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"}},
		"namespaces":               {[]string{"Name", "Status", "Age"}, nil},
		"events":                   {[]string{"Last Seen", "Type", "Reason", "Object", "Message"}, []string{"Subobject", "Source", "First Seen", "Count", "Name"}},
		"configmaps":               {[]string{"Name", "Data", "Age"}, nil},
		"secrets":                  {[]string{"Name", "Type", "Data", "Age"}, nil},
		"serviceaccounts":          {[]string{"Name", "Secrets", "Age"}, nil},
		"persistentvolumes":        {[]string{"Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass", "VolumeAttributesClass", "Reason", "Age"}, []string{"VolumeMode"}},
		"persistentvolumeclaims":   {[]string{"Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass", "VolumeAttributesClass", "Age"}, []string{"VolumeMode"}},
		"storageclasses":           {[]string{"Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion", "Age"}, nil},
		"resourcequotas":           {[]string{"Name", "Request", "Limit", "Age"}, nil},
		"horizontalpodautoscalers": {[]string{"Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"}, nil},
		"leases":                   {[]string{"Name", "Holder", "Age"}, nil},
		"limitranges":              {[]string{"Name", "Created At"}, nil},
		"anythingelse":             {[]string{"Name", "Created At"}, nil},
	}
	for resource, tc := range tests {
		t.Run(resource, func(t *testing.T) {
			var normal, wide []string
			for _, c := range Columns(resource) {
				if c.Priority == 0 {
					normal = append(normal, c.Name)
				} else {
					wide = append(wide, c.Name)
				}
				if strings.TrimSpace(c.Description) == "" {
					t.Errorf("column %q has no description", c.Name)
				}
				switch c.Type {
				case "string", "integer", "boolean", "date":
				default:
					t.Errorf("column %q has type %q", c.Name, c.Type)
				}
				if (c.Name == "Name") != (c.Format == "name") {
					t.Errorf("column %q has format %q", c.Name, c.Format)
				}
			}
			if !reflect.DeepEqual(normal, tc.normal) || !reflect.DeepEqual(wide, tc.wide) {
				t.Errorf("columns = %v + wide %v, want %v + wide %v", normal, wide, tc.normal, tc.wide)
			}
		})
	}
}

// TestColumnTypes pins the upstream types that kubectl uses for alignment
// and that clients read from the table.
func TestColumnTypes(t *testing.T) {
	tests := map[string]map[string]string{
		"pods":           {"Restarts": "string", "Ready": "string"},
		"replicasets":    {"Desired": "integer", "Ready": "integer"},
		"cronjobs":       {"Suspend": "boolean", "Active": "integer"},
		"limitranges":    {"Created At": "date"},
		"storageclasses": {"AllowVolumeExpansion": "string"},
		"deployments":    {"Up-to-date": "string"},
	}
	for resource, want := range tests {
		t.Run(resource, func(t *testing.T) {
			for _, c := range Columns(resource) {
				if typ, ok := want[c.Name]; ok && c.Type != typ {
					t.Errorf("%s type = %q, want %q", c.Name, c.Type, typ)
				}
			}
		})
	}
}

func TestColumnDescriptionsFromSwagger(t *testing.T) {
	cols := Columns("pods")
	if got := cols[0].Description; !strings.HasPrefix(got, "Name must be unique within a namespace.") {
		t.Errorf("Name description = %q", got)
	}
	if got := cols[4].Description; !strings.HasPrefix(got, "CreationTimestamp is a timestamp") {
		t.Errorf("Age description = %q", got)
	}
}

func TestColumnsAreFreshCopies(t *testing.T) {
	Columns("pods")[0].Name = "changed"
	if Columns("pods")[0].Name != "Name" {
		t.Fatal("Columns returned shared storage")
	}
}
