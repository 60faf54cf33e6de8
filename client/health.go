package client

import "context"

// Health returns nil if the server process answers /healthz.
func (c *Client) Health(ctx context.Context) error {
	return c.do(ctx, request{method: "GET", path: "/healthz"})
}

// Ready returns nil if the server can serve (/readyz); otherwise an *Error
// with Status 503 and the server's reason, or the network error.
func (c *Client) Ready(ctx context.Context) error {
	return c.do(ctx, request{method: "GET", path: "/readyz"})
}
