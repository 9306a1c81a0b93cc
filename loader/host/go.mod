module gofn/loader/host

go 1.26
