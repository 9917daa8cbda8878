package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// groupsScenario takes a consumer group through its life with two franz-go members (range
// assignor, eager): join, a second member, a leave, empty, deleted; at each settled point it
// records the group's description, the members' generations and assignments, and the
// committed offsets.
func groupsScenario(ctx context.Context, e *env) (observations, error) {
	b, err := broker(ctx, e.client)
	if err != nil {
		return nil, err
	}
	topic := e.topic("g")
	group := e.topic("group")
	if err := mustCreate(ctx, e.client, b, topic, 4, nil); err != nil {
		return nil, err
	}
	for partition := int32(0); partition < 4; partition++ {
		r, err := produceRaw(ctx, b, topic, partition, -1, nil, encodeBatch(batchSpec{producerID: -1, producerEpoch: -1, sequence: -1, timestamp: 7_000, records: plainRecords("x", "y")}))
		if err != nil {
			return nil, err
		}
		if r.Error != "NONE" {
			return nil, fmt.Errorf("produce: %s", r.Error)
		}
	}
	if err := findCoordinator(ctx, b, group, 0); err != nil {
		return nil, err
	}
	out := observations{}
	describe := func(stage string) error {
		req := kmsg.NewPtrDescribeGroupsRequest()
		req.Groups = []string{group}
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return err
		}
		g := resp.Groups[0]
		members := []any{}
		for _, m := range g.Members {
			var assignment kmsg.ConsumerMemberAssignment
			partitions := []int32{}
			if err := assignment.ReadFrom(m.MemberAssignment); err == nil {
				for _, t := range assignment.Topics {
					partitions = append(partitions, t.Partitions...)
				}
			}
			sort.Slice(partitions, func(i, j int) bool { return partitions[i] < partitions[j] })
			members = append(members, map[string]any{"clientId": m.ClientID, "partitions": partitions})
		}
		sort.Slice(members, func(i, j int) bool {
			return fmt.Sprint(members[i].(map[string]any)["clientId"]) < fmt.Sprint(members[j].(map[string]any)["clientId"])
		})
		out["describe."+stage] = map[string]any{"error": errorName(g.ErrorCode), "state": g.State, "protocolType": g.ProtocolType, "protocol": g.Protocol, "members": members}
		fetch := kmsg.NewPtrOffsetFetchRequest()
		fetch.Group = group
		resp2, err := fetch.RequestWith(ctx, b)
		if err != nil {
			return err
		}
		committed := map[string]any{"error": errorName(resp2.ErrorCode)}
		for _, t := range resp2.Topics {
			for _, p := range t.Partitions {
				committed[fmt.Sprint(p.Partition)] = []any{errorName(p.ErrorCode), p.Offset}
			}
		}
		out["committed."+stage] = committed
		return nil
	}
	if err := describe("before"); err != nil {
		return nil, err
	}

	type member struct {
		client   *kgo.Client
		mu       sync.Mutex
		assigned []int32
		revoked  int
		consumed int
	}
	start := func(name string) (*member, error) {
		m := &member{}
		client, err := e.newClient(
			kgo.ClientID(name),
			kgo.ConsumerGroup(group),
			kgo.ConsumeTopics(topic),
			kgo.Balancers(kgo.RangeBalancer()),
			kgo.SessionTimeout(6*time.Second),
			kgo.HeartbeatInterval(300*time.Millisecond),
			kgo.RebalanceTimeout(20*time.Second),
			kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
			kgo.DisableAutoCommit(),
			kgo.FetchMaxWait(100*time.Millisecond),
			kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, assigned map[string][]int32) {
				m.mu.Lock()
				defer m.mu.Unlock()
				m.assigned = append(m.assigned, assigned[topic]...)
				sort.Slice(m.assigned, func(i, j int) bool { return m.assigned[i] < m.assigned[j] })
			}),
			kgo.OnPartitionsRevoked(func(_ context.Context, _ *kgo.Client, _ map[string][]int32) {
				m.mu.Lock()
				defer m.mu.Unlock()
				m.assigned = nil
				m.revoked++
			}),
		)
		if err != nil {
			return nil, err
		}
		m.client = client
		go func() {
			for {
				fetches := client.PollFetches(ctx)
				if fetches.IsClientClosed() || ctx.Err() != nil {
					return
				}
				n := fetches.NumRecords()
				m.mu.Lock()
				m.consumed += n
				m.mu.Unlock()
			}
		}()
		return m, nil
	}
	settle := func(members map[string]*member, wantEach int) (map[string]any, error) {
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			total := 0
			generations := map[int32]bool{}
			ok := true
			for _, m := range members {
				m.mu.Lock()
				n := len(m.assigned)
				m.mu.Unlock()
				_, generation := m.client.GroupMetadata()
				generations[generation] = true
				if n != wantEach {
					ok = false
				}
				total += n
			}
			if ok && total == 4 && len(generations) == 1 {
				view := map[string]any{}
				for name, m := range members {
					m.mu.Lock()
					_, generation := m.client.GroupMetadata()
					view[name] = map[string]any{"generation": generation, "partitions": append([]int32{}, m.assigned...)}
					m.mu.Unlock()
				}
				return view, nil
			}
			if err := sleep(ctx, 100); err != nil {
				return nil, err
			}
		}
		return nil, fmt.Errorf("the group did not settle with %d partitions per member", wantEach)
	}

	a, err := start("member-a")
	if err != nil {
		return nil, err
	}
	view, err := settle(map[string]*member{"a": a}, 4)
	if err != nil {
		return nil, err
	}
	out["members.one"] = view
	deadline := time.Now().Add(30 * time.Second)
	for {
		a.mu.Lock()
		consumed := a.consumed
		a.mu.Unlock()
		if consumed >= 8 || time.Now().After(deadline) {
			out["consumed.one"] = consumed
			break
		}
		if err := sleep(ctx, 50); err != nil {
			return nil, err
		}
	}
	if err := a.client.CommitUncommittedOffsets(ctx); err != nil {
		return nil, err
	}
	if err := describe("one"); err != nil {
		return nil, err
	}

	bm, err := start("member-b")
	if err != nil {
		return nil, err
	}
	view, err = settle(map[string]*member{"a": a, "b": bm}, 2)
	if err != nil {
		return nil, err
	}
	out["members.two"] = view
	if err := describe("two"); err != nil {
		return nil, err
	}

	bm.client.Close()
	view, err = settle(map[string]*member{"a": a}, 4)
	if err != nil {
		return nil, err
	}
	out["members.afterLeave"] = view
	if err := describe("afterLeave"); err != nil {
		return nil, err
	}

	a.client.Close()
	if err := describe("empty"); err != nil {
		return nil, err
	}
	list := kmsg.NewPtrListGroupsRequest()
	listed, err := list.RequestWith(ctx, b)
	if err != nil {
		return nil, err
	}
	for _, g := range listed.Groups {
		if g.Group == group {
			out["listGroups"] = map[string]any{"error": errorName(listed.ErrorCode), "protocolType": g.ProtocolType}
		}
	}
	del := kmsg.NewPtrDeleteGroupsRequest()
	del.Groups = []string{group}
	deleted, err := del.RequestWith(ctx, b)
	if err != nil {
		return nil, err
	}
	out["deleteGroups"] = errorName(deleted.Groups[0].ErrorCode)
	if err := describe("deleted"); err != nil {
		return nil, err
	}
	return out, nil
}
