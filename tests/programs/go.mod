// The test corpus: every directory is one program (package main), or a
// two-package unit <name>/lib + <name>/main. See tests/programs/README.md.
module corpus

go 1.26
