// Package promapi is a client of the Prometheus HTTP API's instant query,
// GET /api/v1/query, which Prometheus and the compatible stores (Thanos,
// Cortex, Mimir, VictoriaMetrics) serve. The built-in rule evaluator uses
// it; the format is https://prometheus.io/docs/prometheus/latest/querying/api/.
//
// A successful answer is {"status":"success","data":{"resultType":"vector",
// "result":[{"metric":{…},"value":[<unix time>,"<value>"]}]}}; a refused
// query is a 4xx/5xx with {"status":"error","errorType":…,"error":…}.
package promapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// MaxResponseBytes bounds an answer; a rule's result is a few label sets,
// and an expression that matches millions of series is a mistake to report,
// not to buffer.
const MaxResponseBytes = 16 << 20

// Client queries one Prometheus-compatible server.
type Client struct {
	query      *url.URL // the /api/v1/query URL without credentials
	user, pass string   // basic auth from the base URL's user info, if any
	hasAuth    bool
	http       *http.Client
	display    string // the base URL with the password redacted, for messages
}

// New returns a client of the server at baseURL, e.g. http://127.0.0.1:9090
// or https://user:pass@metrics.example.com/prometheus (user info becomes
// basic auth). A nil httpClient means one with a 30 s timeout.
func New(baseURL string, httpClient *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("the Prometheus URL must be an http or https URL like http://127.0.0.1:9090, got %q", baseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("the Prometheus URL %s must not have a query or fragment: give the base URL like http://127.0.0.1:9090", u.Redacted())
	}
	c := &Client{http: httpClient, display: u.Redacted()}
	if c.http == nil {
		c.http = &http.Client{Timeout: 30 * time.Second}
	}
	if u.User != nil {
		c.user = u.User.Username()
		c.pass, _ = u.User.Password()
		c.hasAuth = true
		u.User = nil
	}
	c.query = u.JoinPath("api", "v1", "query")
	return c, nil
}

// String is the base URL with any password redacted.
func (c *Client) String() string { return c.display }

// Sample is one element of an instant query's result.
type Sample struct {
	Labels map[string]string // the series' labels, __name__ included when present
	Value  float64           // may be NaN or ±Inf
	Time   time.Time         // the evaluation time
}

// Error is a query the server answered with status "error".
type Error struct {
	HTTPStatus int    // e.g. 400, 422, 503
	Type       string // errorType, e.g. "bad_data", "execution", "timeout"
	Message    string // error
}

func (e *Error) Error() string {
	return fmt.Sprintf("Prometheus refused the query (HTTP %d, %s): %s", e.HTTPStatus, e.Type, e.Message)
}

// Query evaluates expr at the time at and returns its instant vector (a
// scalar result is one sample without labels). It returns an *Error when
// the server refuses the query, and other errors for transport failures,
// non-API answers and result types other than vector or scalar.
func (c *Client) Query(ctx context.Context, expr string, at time.Time) ([]Sample, error) {
	u := *c.query
	q := url.Values{"query": {expr}}
	if !at.IsZero() {
		q.Set("time", formatTime(at))
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("query Prometheus at %s: %w", c.display, err)
	}
	req.Header.Set("Accept", "application/json")
	if c.hasAuth {
		req.SetBasicAuth(c.user, c.pass)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("query Prometheus at %s: %w (check the URL and that Prometheus runs)", c.display, transportErr(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read the answer of Prometheus at %s: %w", c.display, err)
	}
	if len(body) > MaxResponseBytes {
		return nil, fmt.Errorf("Prometheus at %s answered more than %d MiB: narrow the expression (aggregate with sum by or avg by)", c.display, MaxResponseBytes>>20)
	}
	return decode(resp.StatusCode, body, c.display)
}

// response is the API's envelope.
type response struct {
	Status string `json:"status"`
	Data   struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	} `json:"data"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
}

// vectorElement is one element of a vector result; native histograms carry
// "histogram" instead of "value" and are skipped.
type vectorElement struct {
	Metric map[string]string `json:"metric"`
	Value  json.RawMessage   `json:"value"`
}

func decode(status int, body []byte, where string) ([]Sample, error) {
	var r response
	if err := json.Unmarshal(body, &r); err != nil || r.Status == "" {
		return nil, fmt.Errorf("Prometheus at %s answered HTTP %d without the API's JSON (%s): check the URL points at Prometheus's base URL", where, status, snippet(body))
	}
	if r.Status == "error" {
		return nil, &Error{HTTPStatus: status, Type: r.ErrorType, Message: r.Error}
	}
	if r.Status != "success" || status/100 != 2 {
		return nil, fmt.Errorf("Prometheus at %s answered HTTP %d with status %q", where, status, r.Status)
	}
	switch r.Data.ResultType {
	case "vector":
		var elems []vectorElement
		if err := json.Unmarshal(r.Data.Result, &elems); err != nil {
			return nil, fmt.Errorf("Prometheus at %s answered a malformed vector: %w", where, err)
		}
		out := make([]Sample, 0, len(elems))
		for _, e := range elems {
			if len(e.Value) == 0 {
				continue // a native histogram sample: it has no single value to compare
			}
			t, v, err := samplePair(e.Value)
			if err != nil {
				return nil, fmt.Errorf("Prometheus at %s answered a malformed sample: %w", where, err)
			}
			if e.Metric == nil {
				e.Metric = map[string]string{}
			}
			out = append(out, Sample{Labels: e.Metric, Value: v, Time: t})
		}
		return out, nil
	case "scalar":
		t, v, err := samplePair(r.Data.Result)
		if err != nil {
			return nil, fmt.Errorf("Prometheus at %s answered a malformed scalar: %w", where, err)
		}
		return []Sample{{Labels: map[string]string{}, Value: v, Time: t}}, nil
	}
	return nil, fmt.Errorf("the expression gives a %q result, not an instant vector: alert expressions must give one value per series (no range selector like [5m] at the end)", r.Data.ResultType)
}

// samplePair reads [<unix time>, "<value>"].
func samplePair(raw json.RawMessage) (time.Time, float64, error) {
	var pair []json.RawMessage
	if err := json.Unmarshal(raw, &pair); err != nil || len(pair) != 2 {
		return time.Time{}, 0, errors.New(`want [<unix time>, "<value>"]`)
	}
	var ts json.Number
	var val string
	if err := json.Unmarshal(pair[0], &ts); err != nil {
		return time.Time{}, 0, fmt.Errorf("time %s: %w", pair[0], err)
	}
	if err := json.Unmarshal(pair[1], &val); err != nil {
		return time.Time{}, 0, fmt.Errorf("value %s is not a string", pair[1])
	}
	t, err := parseUnix(ts.String())
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("time %s is not Unix seconds", ts)
	}
	v, err := strconv.ParseFloat(val, 64) // accepts NaN, +Inf, -Inf as Prometheus writes them
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("value %q is not a number", val)
	}
	return t, v, nil
}

// parseUnix reads Unix seconds with an optional fraction ("1435781451.781")
// exactly, which a float64 would round.
func parseUnix(s string) (time.Time, error) {
	whole, frac, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	var nsec int64
	if frac != "" {
		frac = (frac + "000000000")[:9]
		if nsec, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return time.Time{}, err
		}
	}
	return time.Unix(sec, nsec).UTC(), nil
}

// formatTime writes a time as the API reads it: Unix seconds with milliseconds.
func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)
}

// snippet is the start of a body, for a message.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	if s == "" {
		return "empty body"
	}
	return strconv.Quote(s)
}

// transportErr drops the request URL, query included, that transport
// errors repeat; the message names the server already.
func transportErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s", ue.Err)
	}
	return err
}
