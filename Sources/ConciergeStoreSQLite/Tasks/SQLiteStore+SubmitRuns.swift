public import ConciergeCore
import Foundation
import GRDB

/// Runs submitted with their jobs and first events, a batch per transaction.
extension SQLiteStore: RunSubmitting {
    public func sharesDatabase(with jobs: any JobStore) -> Bool {
        (jobs as? SQLiteJobStore)?.store === self
    }

    public func submitRuns(_ submissions: [RunSubmission], jobs: any JobStore) async throws -> [Result<RunSubmitted, any Error>] {
        guard let queue = jobs as? SQLiteJobStore, queue.store === self else {
            throw StoreError.invalidConfiguration("the job queue is not in this SQLite database")
        }
        let encoded = try submissions.map { (try RunCoding.encode($0.run), $0.events.map(\.data.jsonText)) }
        let now = Date().timeIntervalSince1970
        let jobNow = queue.nowMicros
        // Per submission: nil when its run was created, else the document of the run holding its idempotency key.
        let existing: [String?] = try await queue.write { db in
            try zip(submissions, encoded).map { submission, encoded in
                try Self.submit(db, submission, document: encoded.0, eventTexts: encoded.1, now: now, jobNow: jobNow)
            }
        }
        let created = existing.map { $0 == nil }
        for name in RunSubmission.queues(of: submissions, created: created) { queue.notifier.signal(name) }
        return await RunSubmission.outcomes(of: submissions, created: created) { index in
            let earlier = try RunCoding.decode(TaskRun.self, existing[index] ?? "")
            return try await run(earlier.id) ?? earlier
        }
    }

    private static func submit(
        _ db: Database, _ submission: RunSubmission, document: String, eventTexts: [String], now: Double, jobNow: Int64
    ) throws -> String? {
        let run = submission.run
        if let key = submission.idempotencyKey, let found = try String.fetchOne(
            db.cachedStatement(sql: "SELECT document FROM task_runs WHERE idempotency_key = ?"), arguments: [key]
        ) {
            return found
        }
        let jobID = try SQLiteJobStore.enqueue(db, submission.job, now: jobNow).id
        try db.cachedStatement(
            sql: "INSERT INTO task_runs (id, idempotency_key, owner, status, job_id, created_at, updated_at, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        ).execute(
            arguments: [
                run.id, submission.idempotencyKey, run.request.owner, run.status.rawValue, jobID, run.createdAt.timeIntervalSince1970, now, document,
            ]
        )
        let insert = try db.cachedStatement(sql: "INSERT INTO task_events (run_id, sequence, type, data, created_at) VALUES (?, ?, ?, ?, ?)")
        for (offset, event) in submission.events.enumerated() {
            try insert.execute(arguments: [run.id, offset + 1, event.type, eventTexts[offset], now])
        }
        return nil
    }
}
