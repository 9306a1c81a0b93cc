// container/heap (priority queue of loaded types), container/list, container/ring.
package main

import (
	"container/heap"
	"container/list"
	"container/ring"
	"fmt"
)

type task struct {
	name string
	prio int
}

type pq []*task

func (q pq) Len() int           { return len(q) }
func (q pq) Less(i, j int) bool { return q[i].prio > q[j].prio }
func (q pq) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *pq) Push(x any)        { *q = append(*q, x.(*task)) }
func (q *pq) Pop() any          { old := *q; t := old[len(old)-1]; *q = old[:len(old)-1]; return t }

func main() {
	q := &pq{}
	for i, n := range []string{"low", "high", "mid", "urgent"} {
		heap.Push(q, &task{n, []int{1, 5, 3, 9}[i]})
	}
	(*q)[0].prio = 0
	heap.Fix(q, 0)
	for q.Len() > 0 {
		t := heap.Pop(q).(*task)
		fmt.Print(t.name, ":", t.prio, " ")
	}
	fmt.Println()
	l := list.New()
	e2 := l.PushBack(2)
	l.PushFront(1)
	l.PushBack(4)
	l.InsertAfter(3, e2)
	l.MoveToBack(l.Front())
	for e := l.Front(); e != nil; e = e.Next() {
		fmt.Print(e.Value, " ")
	}
	fmt.Println(l.Len())
	r := ring.New(5)
	for i := 0; i < r.Len(); i++ {
		r.Value = i * i
		r = r.Next()
	}
	sum := 0
	r.Do(func(v any) { sum += v.(int) })
	fmt.Println(sum, r.Move(2).Value)
}
