package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/arqir/arqir"
)

// Whether an endpoint accepts an empty body (all of its fields are optional).
const (
	emptyAllowed = true
	bodyRequired = false
)

// readBody reads the whole request body, refusing more than maxBodyBytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, arqir.Errorf(arqir.ETOOLARGE, "the request body is over the 1 MiB limit: send less (long texts belong in several notes)")
	} else if err != nil {
		return nil, arqir.Errorf(arqir.EINVALID, "could not read the request body: %v", err)
	}
	return data, nil
}

// decodeJSON reads the request body into dst strictly: one JSON object, no
// unknown fields, no trailing data. Strictness turns a typo such as
// "serverity" into an error the caller sees now instead of a field silently
// ignored during an incident. Every error names the position or the field.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any, allowEmpty bool) error {
	if err := checkJSONContentType(r); err != nil {
		return err
	}
	data, err := readBody(w, r)
	if err != nil {
		return err
	}
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0 && allowEmpty:
		return nil
	case len(trimmed) == 0:
		return arqir.Errorf(arqir.EINVALID, "the request body is empty: send a JSON object with the fields %s", acceptedFields(dst))
	case trimmed[0] != '{':
		return arqir.Errorf(arqir.EINVALID, "the request body must be a JSON object ({...}) with the fields %s", acceptedFields(dst))
	}

	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(data, dst, err)
	}
	if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
		line, col := position(data, len(data)-len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")))
		return arqir.Errorf(arqir.EINVALID, "unexpected data after the JSON object at line %d, column %d: send exactly one object", line, col)
	}
	return nil
}

// checkJSONContentType accepts application/json (or a +json type) and no
// Content-Type at all (HTTP libraries that send none). curl -d sends a form
// type and needs -H 'Content-Type: application/json'. Anything else is refused
// with 400, not 415: the API keeps its statuses to the domain's error codes,
// and the message says what to send.
func checkJSONContentType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return nil
	}
	return arqir.FieldErrorf(arqir.EINVALID, "Content-Type", "Content-Type %q is not accepted: send the body as JSON with Content-Type: application/json", ct)
}

// decodeError turns a decoding failure into a message that says where the
// problem is and what was expected.
func decodeError(data []byte, dst any, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		line, col := position(data, int(syntax.Offset)-1)
		return arqir.Errorf(arqir.EINVALID, "malformed JSON at line %d, column %d: %s", line, col, syntax.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := position(data, len(data))
		return arqir.Errorf(arqir.EINVALID, "malformed JSON at line %d, column %d: the body ends before the object is complete", line, col)
	case errors.As(err, &typ):
		got, _, _ := strings.Cut(typ.Value, " ")
		want := describeType(fieldType(reflect.TypeOf(dst), typ.Field))
		return arqir.FieldErrorf(arqir.EINVALID, typ.Field, "field %q must be %s, not %s", typ.Field, want, jsonKind(got))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return arqir.FieldErrorf(arqir.EINVALID, name, "unknown field %q: the accepted fields are %s", name, acceptedFields(dst))
	}
	var appErr *arqir.Error
	if errors.As(err, &appErr) {
		return appErr
	}
	return arqir.Errorf(arqir.EINVALID, "invalid JSON body: %v", err)
}

// position converts a byte offset into a 1-based line and column.
func position(data []byte, offset int) (line, col int) {
	offset = max(0, min(offset, len(data)))
	before := data[:offset]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = offset - bytes.LastIndexByte(before, '\n')
	return line, col
}

// jsonKind names a JSON value kind as people write it.
func jsonKind(k string) string {
	switch k {
	case "bool":
		return "true/false"
	case "number", "string":
		return "a " + k
	case "array":
		return "a list"
	case "object":
		return "an object"
	}
	return k
}

// fieldType follows a dotted JSON field path ("detection.kind") through
// struct types and returns the Go type found there.
func fieldType(t reflect.Type, path string) reflect.Type {
	for _, name := range strings.Split(path, ".") {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return t
		}
		f, ok := fieldByJSONName(t, name)
		if !ok {
			return nil
		}
		t = f.Type
	}
	return t
}

func fieldByJSONName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if jsonName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func jsonName(f reflect.StructField) string {
	tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if tag == "" {
		return f.Name
	}
	return tag
}

// describeType says what a JSON value for a Go type looks like.
func describeType(t reflect.Type) string {
	if t == nil {
		return "a different type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(describeType(t.Elem()), "a "), "an ") + "s"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a " + t.String()
}

// acceptedFields lists the JSON fields of a request type, nested objects in
// parentheses: "title, detection (kind, source), ...".
func acceptedFields(dst any) string {
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return strings.Join(structFields(t), ", ")
}

func structFields(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		name := jsonName(f)
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft.NumField() > 0 && ft.PkgPath() != "time" {
			name = fmt.Sprintf("%s (%s)", name, strings.Join(structFields(ft), ", "))
		}
		names = append(names, name)
	}
	return names
}
