// Package qr turns a short text, such as the public verification link of a certificate,
// into the module matrix of a QR code. It is the only package that imports the QR
// encoder, and it returns plain booleans rather than an image so that views can draw the
// code as inline SVG: no image files, no data: URLs, nothing the strict CSP has to allow.
package qr
