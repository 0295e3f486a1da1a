"""DVE demo world: synthetic RGB-D generator, stand-in teacher, student and exports.

Modules (one job each):
  vocab      class set, colours, prompts, synonyms, attributes (the world's vocabulary)
  raycast    vectorised ray casting of boxes / cylinders / ellipsoids (numpy only)
  objects    primitive compositions for each class (sofa, lamp, ...)
  scenes     rooms and apartments: walls, doors, windows, furniture placement
  sensor     shading, RGB noise, sensor-like depth
  generator  deterministic frame generation (the public generator API)
  teacher    stand-in for Alpha-CLIP: prototype space, region embeddings, suppression
  dataset    renders the training / held-out frames into work/ caches
  student    DVEFormer-style RGB-D Swin-V2 nano + all-MLP decoder (torch)
  train_student / train_text / export_image / evaluate / recording   pipeline steps

generator, raycast, objects, scenes, sensor, vocab and teacher import numpy only (no torch),
so the generator tests run with numpy + pillow + pytest.
"""
