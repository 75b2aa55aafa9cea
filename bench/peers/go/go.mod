module nv-peer-go

go 1.19

require github.com/golang-jwt/jwt/v4 v4.4.3

// Debian's golang-github-golang-jwt-jwt-dev, built offline (GOPROXY=off).
replace github.com/golang-jwt/jwt/v4 => /usr/share/gocode/src/github.com/golang-jwt/jwt
