module gofn/client

go 1.26
