package main

import (
	"context"
)

// idempotenceScenario replays, skips and reorders an idempotent producer's sequences and
// bumps its epoch, recording each answer and offset.
func idempotenceScenario(ctx context.Context, e *env) (observations, error) {
	b, err := broker(ctx, e.client)
	if err != nil {
		return nil, err
	}
	topic := e.topic("idem")
	if err := mustCreate(ctx, e.client, b, topic, 1, nil); err != nil {
		return nil, err
	}
	pid, code, err := initProducerID(ctx, b, nil, 60_000)
	if err != nil {
		return nil, err
	}
	out := observations{"initProducerId": []any{code, pid.Epoch}}
	send := func(epoch int16, sequence int32, values ...string) (produced, error) {
		return produceRaw(ctx, b, topic, 0, -1, nil, encodeBatch(batchSpec{producerID: pid.ID, producerEpoch: epoch, sequence: sequence, timestamp: 4_000, records: plainRecords(values...)}))
	}
	steps := []struct {
		name     string
		epoch    int16
		sequence int32
		values   []string
	}{
		{"first", 0, 0, []string{"a", "b", "c"}},
		{"retryOfFirst", 0, 0, []string{"a", "b", "c"}},
		{"gap", 0, 7, []string{"g"}},
		{"next", 0, 3, []string{"d"}},
		{"retryOfNext", 0, 3, []string{"d"}},
		{"olderThanLast", 0, 1, []string{"b", "c"}},
		{"bumpedEpochFromZero", 1, 0, []string{"e"}},
		{"staleEpoch", 0, 4, []string{"f"}},
		{"bumpedEpochNotFromZero", 2, 5, []string{"h"}},
		{"afterBump", 1, 1, []string{"i"}},
	}
	for _, s := range steps {
		r, err := send(s.epoch, s.sequence, s.values...)
		if err != nil {
			return nil, err
		}
		out["produce."+s.name] = r
	}
	unknown := producerID{ID: pid.ID + 100_000, Epoch: 0}
	r, err := produceRaw(ctx, b, topic, 0, -1, nil, encodeBatch(batchSpec{producerID: unknown.ID, producerEpoch: 0, sequence: 5, timestamp: 4_000, records: plainRecords("u")}))
	if err != nil {
		return nil, err
	}
	out["produce.unknownProducerMidSequence"] = r
	pids := producerNames{}
	pids.name(pid.ID)
	fetched, err := fetchAll(ctx, b, topic, 0, 0, pids)
	if err != nil {
		return nil, err
	}
	out["fetch"] = fetched
	return out, nil
}
