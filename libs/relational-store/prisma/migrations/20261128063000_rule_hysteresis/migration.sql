-- Flap suppression: once an episode is open, readings whose score is at least min_score - hysteresis keep counting
-- into it, but only min_score opens one.

-- AlterTable
ALTER TABLE "rules" ADD COLUMN "hysteresis" DOUBLE PRECISION NOT NULL DEFAULT 0;
