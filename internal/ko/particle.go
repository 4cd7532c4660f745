// Package ko picks the Korean particle (조사) that agrees with the word
// before it, so that narration such as "컨테이너 %s가" reads "컨테이너 web이"
// and "컨테이너 nginx가" alike.
//
// A particle pair is written "A/B": A follows a word that ends in a final
// consonant (받침), B a word that ends in a vowel: "이/가", "을/를", "은/는",
// "과/와", "으로/로", "이라서/라서", "이에요/예요". When A begins with 으 (으로,
// 으로서, 으로써), a final ㄹ takes B: "pod-1로", "kubectl로". The usual pairs
// are also accepted in the other order ("가/이", "를/을", "로/으로").
//
// What counts is the sound of the last character that is read aloud.
// Trailing punctuation, quotes, brackets, spaces and symbols are skipped
// ("\"nginx\"" is read as nginx, "web)" as web). Then:
//
//   - A Hangul syllable decides by its 받침: none → B, ㄹ → as above, any
//     other → A.
//   - '%' is read 퍼센트: no 받침.
//   - Digits are read in Sino-Korean the way numbers are said: 0 영, 1 일(ㄹ),
//     2 이, 3 삼, 4 사, 5 오, 6 육, 7 칠(ㄹ), 8 팔(ㄹ), 9 구, and a number ending
//     in zeros by its last unit: 10 십, 100 백, 1000 천, 10000 만 (all with
//     받침). Only the last run of digits counts ("nginx:1.25" → 오).
//   - Latin letters are read as a Korean engineer says the word. The last
//     run of letters is taken, and of a camelCase word its last part
//     ("ContainerCreating" → "Creating"). A part in capitals ("HPA",
//     "SIGTERM", "podIP"), a single letter ("pod-a", the "s" of "k8s") or a
//     part without a vowel letter (generated suffixes such as "x2x4z",
//     "svc") is spelled out by letter names: L 엘 and R 알 end in ㄹ, M 엠
//     and N 엔 in another 받침, every other letter name in a vowel.
//     Otherwise the end of the English word decides, as it is written in
//     Hangul by the loanword spelling engineers actually use:
//     a vowel letter, y, w, and r (-er, -or: container 컨테이너) → no 받침;
//     x, s, z, f, v, h, j, q → no 받침 (nginx 엔진엑스, redis 레디스);
//     d and g, written 드 and 그 → no 받침 (pod 파드, Failed 페일드, log 로그);
//     l → ㄹ (pull 풀, kubectl); m, n, ng → 받침 (system, main, Running);
//     p, t, k, c, b after a short vowel → 받침 (app 앱, set 셋, spec 스펙,
//     web 웹, job 잡, lock 락), but after another consonant or a long vowel
//     → no 받침 (port 포트, deployment 디플로이먼트, task 태스크, root 루트,
//     loop 루프; out 아웃, book 북, deep 딥, group 그룹 keep theirs);
//     a silent final e leaves the consonant before it to decide (time 타임,
//     alpine 알파인, file 파일, node 노드, image 이미지, core 코어). A few
//     words that break these rules are listed (type 타입, hub 허브).
//
// When nothing can be read (an empty string, another script), the particle
// is written with both forms, as Korean forms do: "이(가)", "을(를)",
// "(으)로".
package ko

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// With returns word followed by the form of pair that agrees with it:
// With("web", "이/가") is "web이", With("nginx", "이/가") is "nginx가".
func With(word, pair string) string {
	return word + Particle(word, pair)
}

// Particle returns only the form of pair that agrees with word, for a
// particle that does not directly follow the word, as in "클레임 %s(요청
// %s)%s". A pair without a slash is returned unchanged.
func Particle(word, pair string) string {
	a, b, ok := strings.Cut(pair, "/")
	if !ok {
		return pair
	}
	if !afterBatchim(a) && afterBatchim(b) {
		a, b = b, a
	}
	switch final(word) {
	case vowel:
		return b
	case rieul:
		if strings.HasPrefix(a, "으") {
			return b
		}
		return a
	case batchim:
		return a
	}
	// Unknown: write both forms.
	if strings.HasSuffix(a, b) {
		return "(" + strings.TrimSuffix(a, b) + ")" + b // (으)로, (이)라서
	}
	return a + "(" + b + ")" // 이(가), 을(를)
}

// afterBatchim reports whether a form is the one that follows a final
// consonant: 이, 을, 은, 과, 아 and the forms built on 이 or 으.
func afterBatchim(form string) bool {
	r, _ := utf8.DecodeRuneInString(form)
	switch r {
	case '이', '을', '은', '과', '아', '으':
		return true
	}
	return false
}

type sound int

const (
	unknown sound = iota
	vowel         // no 받침
	rieul         // 받침 ㄹ
	batchim       // any other 받침
)

// final returns how word ends when read aloud.
func final(word string) sound {
	rs := []rune(word)
	end := len(rs)
	for end > 0 && !readable(rs[end-1]) {
		end--
	}
	if end == 0 {
		return unknown
	}
	rs = rs[:end]
	r := rs[end-1]
	switch {
	case r >= 0xAC00 && r <= 0xD7A3:
		switch (r - 0xAC00) % 28 {
		case 0:
			return vowel
		case 8:
			return rieul
		}
		return batchim
	case r >= 'ㄱ' && r <= 'ㅎ': // a lone consonant jamo
		if r == 'ㄹ' {
			return rieul
		}
		return batchim
	case r >= 'ㅏ' && r <= 'ㅣ':
		return vowel
	case r == '%':
		return vowel
	case r >= '0' && r <= '9':
		return number(rs)
	case isLatin(r):
		start := end
		for start > 0 && isLatin(rs[start-1]) {
			start--
		}
		return latin(string(rs[start:end]))
	}
	return unknown
}

func readable(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '%'
}

func isLatin(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// digitSound is how each digit is read: 영 일 이 삼 사 오 육 칠 팔 구.
var digitSound = [10]sound{batchim, rieul, vowel, batchim, vowel, vowel, batchim, rieul, rieul, vowel}

// number reads the run of digits that rs ends with. A number ending in
// zeros ends in its unit (십, 백, 천, 만, 억: all with 받침; 조 without); read
// digit by digit ("1.20", "007") a final 0 is 영, which has a 받침 too.
func number(rs []rune) sound {
	start := len(rs)
	for start > 0 && rs[start-1] >= '0' && rs[start-1] <= '9' {
		start--
	}
	digits := rs[start:]
	last := digits[len(digits)-1]
	if last != '0' {
		return digitSound[last-'0']
	}
	zeros := 0
	for i := len(digits) - 1; i >= 0 && digits[i] == '0'; i-- {
		zeros++
	}
	if zeros >= 12 && zeros < 16 && digits[0] != '0' && !(start > 0 && rs[start-1] == '.') {
		return vowel // 조
	}
	return batchim
}

// letterName is the 받침 of each letter's name: 엘 and 알 end in ㄹ, 엠 and
// 엔 in another 받침, the others (에이, 비, 시, …) in a vowel.
func letterName(r rune) sound {
	switch unicode.ToLower(r) {
	case 'l', 'r':
		return rieul
	case 'm', 'n':
		return batchim
	}
	return vowel
}

// exceptions are words whose spelling misleads the rules below.
var exceptions = map[string]sound{
	"hub":   vowel,   // 허브
	"sub":   vowel,   // 서브
	"check": vowel,   // 체크
	"type":  batchim, // 타입
	"exit":  vowel,   // 엑시트
	"bit":   vowel,   // 비트
}

// latin reads a run of Latin letters.
func latin(w string) sound {
	// The last part of a camelCase word: trailing capitals, or the last
	// capital and the lower-case letters after it.
	i := len(w)
	for i > 0 && w[i-1] >= 'a' && w[i-1] <= 'z' {
		i--
	}
	if i == len(w) { // ends in a capital: spelled out ("HPA", "podIP")
		return letterName(rune(w[len(w)-1]))
	}
	if i > 0 && w[i-1] >= 'A' && w[i-1] <= 'Z' {
		i--
	}
	part := strings.ToLower(w[i:])
	if len(part) == 1 || !strings.ContainsAny(part, "aeiouy") {
		return letterName(rune(part[len(part)-1]))
	}
	if s, ok := exceptions[part]; ok {
		return s
	}
	return word(part)
}

func isVowel(c byte) bool { return strings.IndexByte("aeiouy", c) >= 0 }

// word reads a lower-case English word of two letters or more.
func word(w string) sound {
	n := len(w)
	c := w[n-1]
	p := w[n-2]
	switch c {
	case 'a', 'i', 'o', 'u', 'y', 'w', 'r', 'x', 's', 'z', 'f', 'v', 'h', 'j', 'q', 'd':
		return vowel
	case 'l':
		return rieul
	case 'm', 'n':
		return batchim
	case 'g':
		if p == 'n' { // -ng
			return batchim
		}
		return vowel
	case 'e':
		if n < 3 || isVowel(p) {
			return vowel // be, tree, value
		}
		switch p { // a silent e: the consonant before it decides
		case 'm', 'n':
			return batchim // time, alpine
		case 'l':
			return rieul // file, role, table
		}
		return vowel // node, image, service, core, update
	case 'p', 't', 'k', 'c', 'b':
		if p == c || c == 'k' && p == 'c' { // app, lock
			return batchim
		}
		if c == 'b' && p == 'm' { // climb, bomb
			return batchim
		}
		if !isVowel(p) {
			return vowel // port, task, sync, help
		}
		if n >= 3 && isVowel(w[n-3]) {
			// A long vowel or a diphthong: root 루트, wait 웨이트, loop 루프,
			// but out 아웃, book 북, deep 딥, group 그룹.
			switch w[n-3:] {
			case "out", "ook", "eep", "oup":
				return batchim
			}
			return vowel
		}
		return batchim // set, spec, web, job, limit
	}
	return unknown
}
