package notify

import (
	"errors"
	"net"
	"syscall"
)

// refused reports whether a round trip failed before any byte of the request
// could reach the provider, so retrying cannot duplicate it.
func refused(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}
