package admission

import "math/rand"

// Generated names, as k8s.io/apiserver's names.SimpleNameGenerator makes
// them for metadata.generateName and as the ServiceAccount plugin names
// its kube-api-access-xxxxx volume.

const (
	maxNameLength          = 63
	randomLength           = 5
	maxGeneratedNameLength = maxNameLength - randomLength
)

// randomSuffix is five characters from utilrand's alphabet, which leaves
// out vowels (no accidental words) and look-alike characters.
func randomSuffix(rnd *rand.Rand) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	b := make([]byte, randomLength)
	for i := range b {
		b[i] = alphabet[rnd.Intn(len(alphabet))]
	}
	return string(b)
}

// GenerateName turns a metadata.generateName into a name the way the API
// server does on create: the base, cut to 58 characters, plus five random
// characters ("web-7d4b9c" + "-" gives "web-7d4b9c-x2kqp"). The caller
// does this before Default when a create carries generateName and no name.
func GenerateName(base string, rnd *rand.Rand) string {
	if len(base) > maxGeneratedNameLength {
		base = base[:maxGeneratedNameLength]
	}
	return base + randomSuffix(rnd)
}
