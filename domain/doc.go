// Package domain holds the vocabulary and every rule of sitepro: validators for the
// personal data the province requires, the catalog of positions and cities, accounts,
// and the state machines later features build on. It uses the standard library only,
// performs no I/O and takes the current time as an argument, so every rule can be
// tested with a table and no setup.
package domain
