// nv-peer-go: the Number Verification service as a team would write it
// in Go instead of nv-fcgi, for bench/peers/run: net/http and Debian's
// golang-jwt (v4).  Same contract and same checks as nv-fcgi with its
// defaults (leeway 30 s, phone_number claim, network amr nba or mnba):
// path (404), method (405), x-correlator under v2 (400), Accept (406),
// token (401, then 403 for scope, amr, number), Content-Type (415),
// body (400); every answer with Cache-Control: no-store.
//
// usage: nv-peer-go -listen 127.0.0.1:PORT -jwks FILE -iss ISS -aud AUD
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

const (
	bodyMax       = 4096
	correlatorMax = 256
	scopeVerify   = "number-verification:verify"
	scopeShare    = "number-verification:device-phone-number:read"
)

var (
	keys       = map[string]ed25519.PublicKey{}
	issuer     string
	audience   string
	leeway     = 30.0
	networkAMR = []string{"nba", "mnba"}
	parser     = jwt.NewParser(jwt.WithValidMethods([]string{"EdDSA"}),
		jwt.WithJSONNumber(), jwt.WithoutClaimsValidation())
	acceptedTyps = []string{"at+jwt", "application/at+jwt", "JWT"}
)

type route struct {
	method, allow, scope string
	handle               func(w http.ResponseWriter, r *http.Request, v int, phone string)
}

var routes = map[string]route{
	"/verify":              {"POST", "POST", scopeVerify, verify},
	"/device-phone-number": {"GET", "GET, HEAD", scopeShare, share},
}

func loadJWKS(path string) error {
	var set struct {
		Keys []struct {
			Kty, Crv, X, Kid string
		} `json:"keys"`
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err = json.Unmarshal(b, &set); err != nil {
		return err
	}
	for _, k := range set.Keys {
		if k.Kty != "OKP" || k.Crv != "Ed25519" {
			continue
		}
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			return errors.New("bad Ed25519 key " + k.Kid)
		}
		keys[k.Kid] = ed25519.PublicKey(x)
	}
	if len(keys) == 0 {
		return errors.New("no Ed25519 key in " + path)
	}
	return nil
}

func answer(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func fail(w http.ResponseWriter, v int, e errKind, message string) {
	info := errorTable[v][e]
	if message == "" {
		message = info.message
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(struct {
		Status  int    `json:"status"`
		Code    string `json:"code"`
		Message string `json:"message"`
	}{info.status, info.code, message})
	answer(w, info.status, bytes.TrimRight(buf.Bytes(), "\n"))
}

// "/op" (v0) or "/number-verification/vN/op", N in 0..2; else 404.
func match(path string) (string, int, bool) {
	const prefix = "/number-verification/v"
	if strings.HasPrefix(path, prefix) {
		rest := path[len(prefix):]
		if len(rest) < 2 || rest[0] < '0' || rest[0] > '2' || rest[1] != '/' {
			return "", 0, false
		}
		_, ok := routes[rest[1:]]
		return rest[1:], int(rest[0] - '0'), ok
	}
	_, ok := routes[path]
	return path, 0, ok
}

func correlatorValid(c string) bool {
	if len(c) > correlatorMax {
		return false
	}
	for _, ch := range []byte(c) {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' ||
			ch >= '0' && ch <= '9' || strings.IndexByte("-_:;./<>{}", ch) >= 0) {
			return false
		}
	}
	return true
}

func correlatorSafe(c string) bool {
	if len(c) > correlatorMax {
		return false
	}
	for _, ch := range []byte(c) {
		if ch < 0x20 || ch > 0x7e {
			return false
		}
	}
	return true
}

func mediaType(s string) string {
	s = strings.TrimLeft(s, " \t")
	if i := strings.IndexAny(s, "; \t"); i >= 0 {
		return s[:i]
	}
	return s
}

// Absent or empty, or a range application/json, application/*, */*
// with q above 0.
func acceptsJSON(values []string) bool {
	if len(values) == 0 || strings.Trim(strings.Join(values, ","), " \t,") == "" {
		return true
	}
	for _, r := range strings.Split(strings.Join(values, ","), ",") {
		t := strings.ToLower(mediaType(r))
		if t != "application/json" && t != "application/*" && t != "*/*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(r, ";")[1:] {
			p = strings.TrimLeft(p, " \t")
			if len(p) >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=' {
				q, _ = strconv.ParseFloat(strings.TrimSpace(p[2:]), 64)
				break
			}
		}
		if q > 0 {
			return true
		}
	}
	return false
}

const joseChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."

// Authorization: Bearer <token>; "" and false when malformed.
func bearer(v string) (string, bool) {
	if len(v) < 7 || !strings.EqualFold(v[:6], "Bearer") || (v[6] != ' ' && v[6] != '\t') {
		return "", false
	}
	t := strings.TrimLeft(v[6:], " \t")
	n := 0
	for n < len(t) && strings.IndexByte(joseChars, t[n]) >= 0 {
		n++
	}
	if n == 0 || strings.TrimRight(t[n:], " \t") != "" {
		return "", false
	}
	return t[:n], true
}

func keyFor(t *jwt.Token) (interface{}, error) {
	if typ, present := t.Header["typ"]; present {
		s, ok := typ.(string)
		accepted := false
		for _, a := range acceptedTyps {
			accepted = accepted || ok && strings.EqualFold(s, a)
		}
		if !accepted {
			return nil, errors.New("typ not accepted")
		}
	}
	if _, present := t.Header["crit"]; present {
		return nil, errors.New("crit not supported")
	}
	kid, _ := t.Header["kid"].(string)
	if k, ok := keys[kid]; ok {
		return k, nil
	}
	return nil, errors.New("unknown key")
}

func numericDate(c jwt.MapClaims, name string, required bool, def float64) (float64, bool) {
	v, present := c[name]
	if !present {
		return def, !required
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}

func stringIs(v interface{}, s string) bool {
	x, ok := v.(string)
	return ok && x == s
}

// The 401-class checks: issuer, audience, exp, nbf, iat.
func claimsValid(c jwt.MapClaims) bool {
	if !stringIs(c["iss"], issuer) {
		return false
	}
	switch aud := c["aud"].(type) {
	case string:
		if aud != audience {
			return false
		}
	case []interface{}:
		found := false
		for _, a := range aud {
			s, ok := a.(string)
			if !ok {
				return false
			}
			found = found || s == audience
		}
		if !found {
			return false
		}
	default:
		return false
	}
	now := float64(time.Now().Unix())
	exp, ok1 := numericDate(c, "exp", true, 0)
	nbf, ok2 := numericDate(c, "nbf", false, math.Inf(-1))
	iat, ok3 := numericDate(c, "iat", false, math.Inf(-1))
	return ok1 && ok2 && ok3 && now < exp+leeway && nbf <= now+leeway && iat <= now+leeway
}

func phoneValid(s string) bool {
	if len(s) < 6 || len(s) > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func hashValid(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// The token's 401s and 403s; the number when it passes.
func authorize(w http.ResponseWriter, r *http.Request, v int, rt route) (string, bool) {
	hv, present := r.Header["Authorization"]
	if !present {
		w.Header().Set("WWW-Authenticate", "Bearer")
		fail(w, v, errUnauthenticated, "")
		return "", false
	}
	tok, ok := bearer(strings.Join(hv, ","))
	var t *jwt.Token
	var err error
	if ok {
		t, err = parser.Parse(tok, keyFor)
	}
	if !ok || err != nil || !t.Valid || !claimsValid(t.Claims.(jwt.MapClaims)) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		fail(w, v, errUnauthenticated, "")
		return "", false
	}
	c := t.Claims.(jwt.MapClaims)
	scopes, present := c["scope"]
	s, isString := scopes.(string)
	if present && !isString {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		fail(w, v, errUnauthenticated, "")
		return "", false
	}
	network := false
	if amr, present := c["amr"]; present {
		list, ok := amr.([]interface{})
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			fail(w, v, errUnauthenticated, "")
			return "", false
		}
		for _, a := range list {
			as, ok := a.(string)
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				fail(w, v, errUnauthenticated, "")
				return "", false
			}
			for _, n := range networkAMR {
				network = network || as == n
			}
		}
	}
	hasScope := false
	for _, f := range strings.Split(s, " ") {
		hasScope = hasScope || f == rt.scope
	}
	if !hasScope {
		w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="`+rt.scope+`"`)
		fail(w, v, errPermissionDenied, "")
		return "", false
	}
	if !network {
		fail(w, v, errNotMobileNetwork, "")
		return "", false
	}
	phone, _ := c["phone_number"].(string)
	phone = strings.TrimPrefix(phone, "tel:")
	if !phoneValid(phone) {
		fail(w, v, errInvalidTokenContext, "")
		return "", false
	}
	return phone, true
}

// The POST /verify body's 400 message, or "" with the answer.
func verifyBody(body []byte, phone string) (string, bool) {
	if len(body) == 0 {
		return "request body is missing", false
	}
	if !json.Valid(body) {
		return "request body is not valid JSON", false
	}
	var o map[string]json.RawMessage
	if json.Unmarshal(body, &o) != nil || o == nil {
		return "request body is not a JSON object", false
	}
	for k := range o {
		if k != "phoneNumber" && k != "hashedPhoneNumber" {
			return "request body has an unknown member: only phoneNumber or hashedPhoneNumber is allowed", false
		}
	}
	if len(o) == 0 {
		return "request body must contain phoneNumber or hashedPhoneNumber", false
	}
	if len(o) > 1 {
		return "request body must contain only one of phoneNumber and hashedPhoneNumber", false
	}
	var s string
	if raw, ok := o["phoneNumber"]; ok {
		if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			return "phoneNumber must be a string", false
		}
		if !phoneValid(s) {
			return `phoneNumber must match ^\+[1-9][0-9]{4,14}$`, false
		}
		return "", subtle.ConstantTimeCompare([]byte(s), []byte(phone)) == 1
	}
	raw := o["hashedPhoneNumber"]
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "hashedPhoneNumber must be a string", false
	}
	if !hashValid(s) {
		return "hashedPhoneNumber must match ^[a-fA-F0-9]{64}$", false
	}
	got, _ := hex.DecodeString(s)
	want := sha256.Sum256([]byte(phone))
	return "", subtle.ConstantTimeCompare(got, want[:]) == 1
}

func verify(w http.ResponseWriter, r *http.Request, v int, phone string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, bodyMax+1))
	if err != nil {
		fail(w, v, errInternal, "request body could not be read")
		return
	}
	if len(body) > bodyMax {
		fail(w, v, errInvalidArgument, "request body is larger than 4096 bytes")
		return
	}
	msg, match := verifyBody(body, phone)
	if msg != "" {
		fail(w, v, errInvalidArgument, msg)
	} else if match {
		answer(w, 200, []byte(`{"devicePhoneNumberVerified":true}`))
	} else {
		answer(w, 200, []byte(`{"devicePhoneNumberVerified":false}`))
	}
}

func share(w http.ResponseWriter, r *http.Request, v int, phone string) {
	answer(w, 200, []byte(`{"devicePhoneNumber":"`+phone+`"}`))
}

func serve(w http.ResponseWriter, r *http.Request) {
	op, v, found := match(r.URL.Path)
	corr, hasCorr := r.Header["X-Correlator"]
	if hasCorr && len(corr) == 1 && (v == 2 && correlatorValid(corr[0]) || v != 2 && correlatorSafe(corr[0])) {
		w.Header().Set("x-correlator", corr[0])
	}
	if !found {
		fail(w, v, errNotFound, "")
		return
	}
	rt := routes[op]
	if r.Method != rt.method && !(rt.method == "GET" && r.Method == "HEAD") {
		w.Header().Set("Allow", rt.allow)
		fail(w, v, errMethodNotAllowed, "")
		return
	}
	if v == 2 && hasCorr && w.Header().Get("x-correlator") == "" {
		fail(w, v, errInvalidArgument, `x-correlator must match ^[a-zA-Z0-9-_:;.\/<>{}]{0,256}$`)
		return
	}
	if !acceptsJSON(r.Header["Accept"]) {
		fail(w, v, errNotAcceptable, "")
		return
	}
	phone, ok := authorize(w, r, v, rt)
	if !ok {
		return
	}
	if rt.method == "POST" && !strings.EqualFold(mediaType(r.Header.Get("Content-Type")), "application/json") {
		fail(w, v, errUnsupportedMediaType, "")
		return
	}
	rt.handle(w, r, v, phone)
}

func main() {
	listen := flag.String("listen", "127.0.0.1:8081", "address to serve on")
	jwks := flag.String("jwks", "", "the public key set (JWKS file)")
	flag.StringVar(&issuer, "iss", "", "the accepted issuer")
	flag.StringVar(&audience, "aud", "", "the accepted audience")
	flag.Parse()
	if *jwks == "" || issuer == "" || audience == "" {
		log.Fatal("usage: nv-peer-go -listen ADDR -jwks FILE -iss ISS -aud AUD")
	}
	if err := loadJWKS(*jwks); err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Addr: *listen, Handler: http.HandlerFunc(serve),
		ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	log.Fatal(srv.ListenAndServe())
}
