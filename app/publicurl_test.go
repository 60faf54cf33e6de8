package app

import (
	"testing"

	"github.com/arqir/arqir"
)

// --public-url is an absolute http(s) URL; a trailing slash is dropped so
// that endpoint paths join cleanly.
func TestCheckPublicURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                                 "",
		"https://arqir.example.com/":       "https://arqir.example.com",
		" http://10.0.0.5:8080 ":           "http://10.0.0.5:8080",
		"https://example.com/arqir/":       "https://example.com/arqir",
		"https://arqir.example.com/a/b/c/": "https://arqir.example.com/a/b/c",
	} {
		if got, err := CheckPublicURL(in); err != nil || got != want {
			t.Errorf("CheckPublicURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"arqir.example.com", "ftp://x", "https://", "https://x/?a=1", "https://x/#f", "https://u:p@x"} {
		if _, err := CheckPublicURL(in); arqir.ErrorCode(err) != arqir.EINVALID {
			t.Errorf("CheckPublicURL(%q) accepted: %v", in, err)
		}
	}
}
