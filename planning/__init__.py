"""Planning: what-if simulation, cheapest path to recognition, targets across communes, merged communes."""
