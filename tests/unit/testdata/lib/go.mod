module example.com/gofnlib

go 1.26
