package promapi_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir/promapi"
)

// server answers every query with status and body, recording the request.
func server(t *testing.T, status int, body string) (*httptest.Server, *http.Request) {
	t.Helper()
	var got http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = *r.Clone(context.Background())
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func query(t *testing.T, base string) ([]promapi.Sample, error) {
	t.Helper()
	c, err := promapi.New(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.Query(context.Background(), `up{job="node"}`, time.Unix(1435781451, 781e6))
}

// The documentation's example answer of GET /api/v1/query.
const docExample = `{
   "status" : "success",
   "data" : {
      "resultType" : "vector",
      "result" : [
         {"metric" : {"__name__" : "up", "job" : "prometheus", "instance" : "localhost:9090"}, "value": [ 1435781451.781, "1" ]},
         {"metric" : {"__name__" : "up", "job" : "node", "instance" : "localhost:9100"}, "value" : [ 1435781451.781, "0" ]}
      ]
   }
}`

func TestQuery_Vector(t *testing.T) {
	srv, req := server(t, 200, docExample)
	got, err := query(t, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if req.URL.Path != "/api/v1/query" || req.Method != "GET" || req.URL.Query().Get("query") != `up{job="node"}` || req.URL.Query().Get("time") != "1435781451.781" {
		t.Errorf("request %s %s", req.Method, req.URL)
	}
	if len(got) != 2 || got[0].Labels["instance"] != "localhost:9090" || got[0].Value != 1 || got[1].Value != 0 ||
		!got[0].Time.Equal(time.Unix(1435781451, 781e6)) {
		t.Errorf("samples %+v", got)
	}
}

func TestQuery_ScalarAndSpecialValues(t *testing.T) {
	srv, _ := server(t, 200, `{"status":"success","data":{"resultType":"scalar","result":[1435781451.781,"NaN"]}}`)
	got, err := query(t, srv.URL)
	if err != nil || len(got) != 1 || !math.IsNaN(got[0].Value) || len(got[0].Labels) != 0 {
		t.Fatalf("got %+v, %v", got, err)
	}
	srv, _ = server(t, 200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"+Inf"]},{"metric":{"a":"b"},"histogram":[1,{}]}]}}`)
	got, err = query(t, srv.URL)
	if err != nil || len(got) != 1 || !math.IsInf(got[0].Value, 1) {
		t.Fatalf("got %+v, %v; want +Inf and the native histogram skipped", got, err)
	}
}

// A path prefix (Prometheus behind a proxy under /prometheus) and basic auth
// in the URL's user info.
func TestQuery_PrefixAndBasicAuth(t *testing.T) {
	srv, req := server(t, 200, `{"status":"success","data":{"resultType":"vector","result":[]}}`)
	base := strings.Replace(srv.URL, "http://", "http://ann:s3cret@", 1) + "/prometheus/"
	c, err := promapi.New(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.Query(context.Background(), "up", time.Time{}); err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v", got, err)
	}
	if u, p, ok := req.BasicAuth(); !ok || u != "ann" || p != "s3cret" || req.URL.Path != "/prometheus/api/v1/query" || req.URL.Query().Has("time") {
		t.Errorf("request %s, auth %q %q %v", req.URL, u, p, ok)
	}
	if strings.Contains(c.String(), "s3cret") {
		t.Errorf("String() shows the password: %s", c)
	}
}

// A refused query is an *Error with the API's errorType and message.
func TestQuery_APIError(t *testing.T) {
	srv, _ := server(t, 400, `{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:4: parse error: unexpected end of input"}`)
	_, err := query(t, srv.URL)
	var ae *promapi.Error
	if !errors.As(err, &ae) || ae.HTTPStatus != 400 || ae.Type != "bad_data" || !strings.Contains(ae.Message, "parse error") {
		t.Fatalf("got %v, want the bad_data error", err)
	}
}

func TestQuery_NotTheAPI(t *testing.T) {
	for name, tc := range map[string]struct {
		status int
		body   string
		msg    string
	}{
		"proxy error":   {502, "<html>Bad Gateway</html>", "answered HTTP 502 without the API's JSON"},
		"empty":         {200, "", "empty body"},
		"matrix":        {200, `{"status":"success","data":{"resultType":"matrix","result":[]}}`, `gives a "matrix" result, not an instant vector`},
		"bad value":     {200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"high"]}]}}`, `value "high" is not a number`},
		"bad pair":      {200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1]}]}}`, "malformed sample"},
		"other status":  {200, `{"status":"pending"}`, `with status "pending"`},
		"success + 500": {500, `{"status":"success","data":{"resultType":"vector","result":[]}}`, "answered HTTP 500"},
	} {
		t.Run(name, func(t *testing.T) {
			srv, _ := server(t, tc.status, tc.body)
			_, err := query(t, srv.URL)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got %v, want …%s…", err, tc.msg)
			}
		})
	}
}

func TestQuery_Unreachable(t *testing.T) {
	srv, _ := server(t, 200, "")
	srv.Close()
	_, err := query(t, srv.URL)
	if err == nil || !strings.Contains(err.Error(), "check the URL and that Prometheus runs") {
		t.Errorf("got %v", err)
	}
}

func TestNew_RefusesBadURLs(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:9090", "ftp://x", "http://", "http://x/?a=b"} {
		if _, err := promapi.New(u, nil); err == nil {
			t.Errorf("New(%q) accepted it", u)
		}
	}
}
