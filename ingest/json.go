package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/arqir/arqir"
)

// DecodeJSON decodes one JSON value from body into dst, tolerating unknown
// object keys: vendors add fields, and refusing them would drop alerts after
// a vendor upgrade. It refuses an empty body, nesting deeper than MaxDepth
// and trailing data. Every error is EINVALID and names the line and column
// or the field.
func DecodeJSON(body []byte, dst any) error {
	return decode(body, dst, false)
}

// DecodeStrictJSON is DecodeJSON that also refuses unknown object keys. It is
// for arqir's own format, where a typo such as "sumary" must be an error the
// sender sees now rather than a field silently ignored.
func DecodeStrictJSON(body []byte, dst any) error {
	return decode(body, dst, true)
}

func decode(body []byte, dst any, strict bool) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return arqir.Errorf(arqir.EINVALID, "the request body is empty: send the alert as JSON")
	}
	if err := CheckDepth(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(dst); err != nil {
		return JSONError(body, err)
	}
	rest := body[dec.InputOffset():]
	if trimmed := bytes.TrimLeft(rest, " \t\r\n"); len(trimmed) > 0 {
		line, col := Position(body, len(body)-len(trimmed))
		return arqir.Errorf(arqir.EINVALID, "unexpected data after the JSON value at line %d, column %d: send exactly one JSON value", line, col)
	}
	return nil
}

// JSONError turns an encoding/json error for body into an EINVALID
// *arqir.Error that says where the problem is.
func JSONError(body []byte, err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		app    *arqir.Error
	)
	switch {
	case errors.As(err, &syntax):
		line, col := Position(body, int(syntax.Offset)-1)
		return arqir.Errorf(arqir.EINVALID, "malformed JSON at line %d, column %d: %s", line, col, strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		line, col := Position(body, len(body))
		return arqir.Errorf(arqir.EINVALID, "malformed JSON at line %d, column %d: the body ends before the JSON value is complete (truncated?)", line, col)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return arqir.Errorf(arqir.EINVALID, "the JSON value must be %s, not %s", describe(typ.Type.Kind().String()), jsonKind(typ.Value))
		}
		return arqir.FieldErrorf(arqir.EINVALID, field, "field %q must be %s, not %s", field, describe(typ.Type.Kind().String()), jsonKind(typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return arqir.FieldErrorf(arqir.EINVALID, name, "unknown field %q: check its spelling against the documented fields", name)
	case errors.As(err, &app):
		return app
	}
	return arqir.Errorf(arqir.EINVALID, "invalid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// Position converts a byte offset in data into a 1-based line and column.
func Position(data []byte, offset int) (line, col int) {
	offset = max(0, min(offset, len(data)))
	before := data[:offset]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = offset - bytes.LastIndexByte(before, '\n')
	return line, col
}

// CheckDepth refuses JSON whose objects and arrays nest deeper than MaxDepth.
// It scans bytes without decoding, so a hostile body is refused before any
// allocation proportional to its nesting. Malformed JSON passes here and is
// reported by the decoder with its position.
func CheckDepth(body []byte) error {
	depth, inString, escaped := 0, false, false
	for i, c := range body {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > MaxDepth {
				line, col := Position(body, i)
				return arqir.Errorf(arqir.EINVALID, "JSON nested deeper than %d levels at line %d, column %d: flatten the payload", MaxDepth, line, col)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

func describe(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "a whole number"
	case "float32", "float64":
		return "a number"
	case "slice", "array":
		return "a list"
	case "map", "struct":
		return "an object"
	}
	return fmt.Sprintf("a %s", goKind)
}

func jsonKind(v string) string {
	k, _, _ := strings.Cut(v, " ")
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
