module github.com/ife-mx/vigia

go 1.24.0
