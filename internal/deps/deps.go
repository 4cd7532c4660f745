// Package deps pins the modules the project builds on while the packages that
// use them are being written, so go.mod keeps them through `go mod tidy`.
package deps

import (
	_ "github.com/charmbracelet/bubbles/viewport"
	_ "github.com/charmbracelet/bubbletea"
	_ "github.com/charmbracelet/lipgloss"
	_ "github.com/charmbracelet/x/exp/teatest"
	_ "github.com/docker/docker/client"
	_ "github.com/evanphx/json-patch"
	_ "github.com/gorilla/websocket"
	_ "github.com/robfig/cron/v3"
	_ "github.com/spf13/cobra"
	_ "k8s.io/api/core/v1"
	_ "k8s.io/apimachinery/pkg/util/strategicpatch"
	_ "k8s.io/cli-runtime/pkg/printers"
	_ "k8s.io/client-go/kubernetes"
	_ "k8s.io/kube-openapi/pkg/spec3"
	_ "k8s.io/kubectl/pkg/cmd"
	_ "k8s.io/kubectl/pkg/explain/v2"
	_ "sigs.k8s.io/yaml"
)
