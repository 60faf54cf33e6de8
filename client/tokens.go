package client

import (
	"context"
	"strconv"

	"github.com/arqir/arqir"
)

// Me returns the token the client authenticates with (its name and role).
func (c *Client) Me(ctx context.Context) (*arqir.Token, error) {
	var t arqir.Token
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/me", out: &t}); err != nil {
		return nil, err
	}
	return &t, nil
}

// CreateToken creates a token (admin) and returns its secret, which the
// server never shows again.
func (c *Client) CreateToken(ctx context.Context, name string, role arqir.Role) (secret string, t *arqir.Token, err error) {
	var created struct {
		Token  *arqir.Token `json:"token"`
		Secret string       `json:"secret"`
	}
	in := map[string]string{"name": name, "role": string(role)}
	if err := c.do(ctx, request{method: "POST", path: "/api/v1/tokens", in: in, out: &created}); err != nil {
		return "", nil, err
	}
	return created.Secret, created.Token, nil
}

// Tokens lists every token, revoked ones included (admin).
func (c *Client) Tokens(ctx context.Context) ([]*arqir.Token, error) {
	var list struct {
		Tokens []*arqir.Token `json:"tokens"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/tokens", out: &list}); err != nil {
		return nil, err
	}
	return list.Tokens, nil
}

// RevokeToken stops a token at once (admin).
func (c *Client) RevokeToken(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: "DELETE", path: "/api/v1/tokens/" + strconv.FormatInt(id, 10)})
}
