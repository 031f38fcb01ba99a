package main

import "context"

func (b *bench) steadyState(ctx context.Context) Result { return Result{Name: "steady", Status: "pending"} }
func (b *bench) pressure(ctx context.Context) Result    { return Result{Name: "pressure", Status: "pending"} }
