-- Initial status values. Names are snake_case; each has a description.

-- Job statuses
INSERT INTO job_statuses (name, description) VALUES
    ('pending', 'Job is queued and waiting to be picked up'),
    ('running', 'Job is currently being executed by a worker'),
    ('completed', 'Job finished successfully'),
    ('failed', 'Job encountered an error and stopped'),
    ('cancelled', 'Job was cancelled by the user'),
    ('retrying', 'Job failed and is being retried');

-- Approval statuses
INSERT INTO approval_statuses (name, description) VALUES
    ('pending', 'Awaiting review'),
    ('approved', 'Approved by reviewer'),
    ('rejected', 'Rejected by reviewer'),
    ('revision_requested', 'Changes requested by reviewer');

-- Worker statuses
INSERT INTO worker_statuses (name, description) VALUES
    ('idle', 'Worker is available and waiting for jobs'),
    ('busy', 'Worker is currently processing a job'),
    ('offline', 'Worker is not connected'),
    ('draining', 'Worker is finishing current job and will go offline');

-- Project statuses
INSERT INTO project_statuses (name, description) VALUES
    ('draft', 'Project is being set up'),
    ('active', 'Project is in active production'),
    ('paused', 'Project is temporarily on hold'),
    ('completed', 'All deliverables are done'),
    ('archived', 'Project is archived and read-only');

-- Scene statuses
INSERT INTO scene_statuses (name, description) VALUES
    ('pending', 'Scene is configured but not yet generated'),
    ('generating', 'Scene segments are being generated'),
    ('generated', 'All segments are generated, awaiting review'),
    ('approved', 'Scene passed review'),
    ('rejected', 'Scene failed review'),
    ('delivered', 'Scene is packaged and delivered');

-- Segment statuses
INSERT INTO segment_statuses (name, description) VALUES
    ('pending', 'Segment is queued for generation'),
    ('generating', 'Segment is being generated'),
    ('generated', 'Segment generation complete'),
    ('failed', 'Segment generation failed'),
    ('approved', 'Segment passed QA'),
    ('rejected', 'Segment failed QA');
