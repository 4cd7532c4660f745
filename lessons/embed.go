package lessons

import "embed"

// content is the course built into the binary.
//
//go:embed content
var content embed.FS

// Builtin loads the embedded course.
func Builtin() (*Course, Problems) {
	return Load(content, "content", "lessons/content")
}
