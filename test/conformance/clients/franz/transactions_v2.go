package main

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The versions of transactions v2 (KIP-890 part 2), where both brokers finalize
// transaction.version 2: Produce v12 and TxnOffsetCommit v5 add to the transaction, EndTxn v5
// bumps the epoch. Every other request stays at its pinned version.
func transactionsV2Versions() map[int16]int16 {
	return map[int16]int16{0: 12, 26: 5, 28: 5}
}

// transactionsV2Scenario runs transactions without AddPartitionsToTxn or AddOffsetsToTxn and
// records every answer: the epochs EndTxn v5 hands over (relative to InitProducerId's), a
// retried EndTxn, an empty transaction aborted and committed, a zombie fenced by a newer
// producer, and what fetches at both isolation levels return once all have ended.
func transactionsV2Scenario(ctx context.Context, e *env) (observations, error) {
	versions := pinnedVersions()
	for k, v := range transactionsV2Versions() {
		versions.SetMaxKeyVersion(k, v)
	}
	cl, err := e.newClient(kgo.MaxVersions(versions), kgo.MinVersions(versions))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	b, err := broker(ctx, cl)
	if err != nil {
		return nil, err
	}
	topic := e.topic("tv2")
	if err := mustCreate(ctx, cl, b, topic, 1, nil); err != nil {
		return nil, err
	}
	group := e.topic("tv2-group")
	if err := findCoordinator(ctx, b, group, 0); err != nil {
		return nil, err
	}
	out := observations{}
	pids := producerNames{}
	id := e.topic("tv2-txn")
	first, code, err := initProducerID(ctx, b, &id, 60_000)
	if err != nil || code != "NONE" {
		return nil, fmt.Errorf("init: %v %s", err, code)
	}
	pids.name(first.ID)
	epoch := func(p producerID) string {
		return fmt.Sprintf("%s+%d", pids.name(p.ID), int(p.Epoch)-int(first.Epoch))
	}
	// Right after EndTxn, Apache Kafka may still be writing the markers: the leader retries
	// adding the partition itself for a while, then answers NOT_ENOUGH_REPLICAS.
	produce := func(name string, p producerID, sequence int32, values ...string) error {
		for {
			r, err := produceRaw(ctx, b, topic, 0, -1, &id, encodeBatch(batchSpec{producerID: p.ID, producerEpoch: p.Epoch, sequence: sequence, transactional: true, timestamp: 5_000, records: plainRecords(values...)}))
			if err != nil {
				return err
			}
			if r.Error == "NOT_ENOUGH_REPLICAS" || r.Error == "CONCURRENT_TRANSACTIONS" {
				if err := sleep(ctx, 50); err != nil {
					return err
				}
				continue
			}
			out["produce."+name] = r.Error
			return nil
		}
	}
	end := func(name string, p producerID, commit bool) (producerID, error) {
		req := kmsg.NewPtrEndTxnRequest()
		req.TransactionalID = id
		req.ProducerID = p.ID
		req.ProducerEpoch = p.Epoch
		req.Commit = commit
		for {
			resp, err := req.RequestWith(ctx, b)
			if err != nil {
				return producerID{}, err
			}
			if coordinatorMoving(resp.ErrorCode) {
				if err := sleep(ctx, 50); err != nil {
					return producerID{}, err
				}
				continue
			}
			next := producerID{resp.ProducerID, resp.ProducerEpoch}
			answer := errorName(resp.ErrorCode)
			if resp.ErrorCode == 0 {
				answer += " " + epoch(next)
			}
			out["endTxn."+name] = answer
			return next, nil
		}
	}
	commitOffset := func(name string, p producerID, offset int64) error {
		req := kmsg.NewPtrTxnOffsetCommitRequest()
		req.TransactionalID = id
		req.Group = group
		req.ProducerID = p.ID
		req.ProducerEpoch = p.Epoch
		req.Generation = -1
		t := kmsg.NewTxnOffsetCommitRequestTopic()
		t.Topic = topic
		pt := kmsg.NewTxnOffsetCommitRequestTopicPartition()
		pt.Partition = 0
		pt.Offset = offset
		pt.LeaderEpoch = -1
		t.Partitions = append(t.Partitions, pt)
		req.Topics = append(req.Topics, t)
		for {
			resp, err := req.RequestWith(ctx, b)
			if err != nil {
				return err
			}
			code := resp.Topics[0].Partitions[0].ErrorCode
			if coordinatorMoving(code) {
				if err := sleep(ctx, 50); err != nil {
					return err
				}
				continue
			}
			out["txnOffsetCommit."+name] = errorName(code)
			return nil
		}
	}
	settled := func() error {
		_, latest, err := listOffset(ctx, b, topic, 0, -1, 0)
		if err != nil {
			return err
		}
		for {
			_, stable, err := listOffset(ctx, b, topic, 0, -1, 1)
			if err != nil {
				return err
			}
			if stable >= latest {
				return nil
			}
			if err := sleep(ctx, 20); err != nil {
				return fmt.Errorf("the last stable offset of %s stayed below %d", topic, latest)
			}
		}
	}

	if err := produce("first", first, 0, "a0", "a1"); err != nil {
		return nil, err
	}
	if err := commitOffset("first", first, 11); err != nil {
		return nil, err
	}
	second, err := end("commit", first, true)
	if err != nil {
		return nil, err
	}
	if _, err := end("commitRetried", first, true); err != nil {
		return nil, err
	}
	if err := produce("second", second, 0, "b0"); err != nil {
		return nil, err
	}
	third, err := end("abort", second, false)
	if err != nil {
		return nil, err
	}
	if err := settled(); err != nil {
		return nil, err
	}
	if err := produce("staleEpoch", second, 1, "stale"); err != nil {
		return nil, err
	}
	if _, err := end("emptyCommit", third, true); err != nil {
		return nil, err
	}
	zombie, err := end("emptyAbort", third, false)
	if err != nil {
		return nil, err
	}
	if err := produce("zombieOpen", zombie, 0, "z0"); err != nil {
		return nil, err
	}
	owner, code, err := initProducerID(ctx, b, &id, 60_000)
	if err != nil {
		return nil, err
	}
	out["initProducerId.owner"] = code + " " + epoch(owner)
	if err := produce("zombie", zombie, 1, "z1"); err != nil {
		return nil, err
	}
	if err := commitOffset("zombie", zombie, 99); err != nil {
		return nil, err
	}
	if _, err := end("zombie", zombie, true); err != nil {
		return nil, err
	}
	if err := produce("owner", owner, 0, "o0"); err != nil {
		return nil, err
	}
	if _, err := end("owner", owner, true); err != nil {
		return nil, err
	}
	if err := settled(); err != nil {
		return nil, err
	}
	for _, level := range []int8{0, 1} {
		name := map[int8]string{0: "readUncommitted", 1: "readCommitted"}[level]
		fetched, err := fetchAll(ctx, b, topic, 0, level, pids)
		if err != nil {
			return nil, err
		}
		out["fetch."+name] = fetched
	}
	return out, nil
}
