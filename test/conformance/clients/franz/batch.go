package main

import (
	"encoding/binary"
	"hash/crc32"

	"github.com/twmb/franz-go/pkg/kmsg"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

type rec struct {
	key     []byte
	value   []byte
	tsDelta int64
}

type batchSpec struct {
	producerID    int64
	producerEpoch int16
	sequence      int32
	transactional bool
	timestamp     int64
	records       []rec
	// corruptCRC flips the checksum, as a bit flip on the way would.
	corruptCRC bool
}

// encodeBatch writes a v2 record batch exactly as a producer does: base offset 0, the CRC-32C
// of everything after the CRC field.
func encodeBatch(spec batchSpec) []byte {
	var records []byte
	for i, r := range spec.records {
		body := kmsg.Record{
			TimestampDelta64: r.tsDelta,
			OffsetDelta:      int32(i),
			Key:              r.key,
			Value:            r.value,
		}
		encoded := body.AppendTo(nil)
		// AppendTo wrote Length 0 as one varint byte: the rest is the record.
		rest := encoded[1:]
		records = binary.AppendVarint(records, int64(len(rest)))
		records = append(records, rest...)
	}
	attributes := int16(0)
	if spec.transactional {
		attributes |= 0x10
	}
	batch := kmsg.RecordBatch{
		FirstOffset:          0,
		PartitionLeaderEpoch: -1,
		Magic:                2,
		Attributes:           attributes,
		LastOffsetDelta:      int32(len(spec.records) - 1),
		FirstTimestamp:       spec.timestamp,
		MaxTimestamp:         spec.timestamp + maxDelta(spec.records),
		ProducerID:           spec.producerID,
		ProducerEpoch:        spec.producerEpoch,
		FirstSequence:        spec.sequence,
		NumRecords:           int32(len(spec.records)),
		Records:              records,
	}
	raw := batch.AppendTo(nil)
	binary.BigEndian.PutUint32(raw[8:12], uint32(len(raw)-12))
	crc := crc32.Checksum(raw[21:], castagnoli)
	if spec.corruptCRC {
		crc ^= 0xffffffff
	}
	binary.BigEndian.PutUint32(raw[17:21], crc)
	return raw
}

func maxDelta(records []rec) int64 {
	var max int64
	for _, r := range records {
		if r.tsDelta > max {
			max = r.tsDelta
		}
	}
	return max
}

func plainRecords(values ...string) []rec {
	out := make([]rec, len(values))
	for i, v := range values {
		out[i] = rec{key: []byte("k"), value: []byte(v)}
	}
	return out
}
