-- The shape of a submit, for pgbench: hold the cost against one user's budget row with a conditional UPDATE (as
-- budget-reservation.ts does), then record the video and its event. pgbench -D users=N picks the user.
\set user_id random(1, :users)
BEGIN;
UPDATE anchor_budgets SET reserved_micros = reserved_micros + 400000
  WHERE user_id = :user_id AND limit_micros - spent_micros - reserved_micros >= 400000;
INSERT INTO anchor_videos (user_id, status, cost_micros, prompt) VALUES (:user_id, 'queued', 400000, 'a bench of videos, one after another')
  RETURNING id \gset video_
INSERT INTO anchor_video_events (video_id, type) VALUES (:video_id, 'video.created');
END;
